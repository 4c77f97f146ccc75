"""Reminders: N days after the due date the debtor gets the next reminder (fee as an invoice
line, mail with the PDF over real SMTP), up to the town's maximum, once a day; a payment
matched before the job runs stops it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from commune.billing.models import Invoice, Reminder
from commune.billing.services.bank import bank_file_import
from commune.billing.services.invoices import invoice_cancel
from commune.billing.services.payments import payment_record
from commune.billing.services.reminders import reminders_run
from commune.billing.tasks import billing_reminders_run
from commune.billing.tests.camt_files import Pay, camt054

from .factories import QR_IBAN, billing_settings_for, issue

pytestmark = pytest.mark.clock

ISSUED = dt.date(2026, 5, 4)  # due 3 June (30 days); reminder after 13 June (10 days)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def town(in_town):
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    billing_settings_for(in_town, reminders_max=2, reminder_fee=Decimal("20.00"))
    return in_town


def test_reminder_after_due_date_plus_n_days_with_fee_and_mail(
    town, smtp_server, django_capture_on_commit_callbacks
):
    # given an invoice due on 3 June
    invoice = issue(town, amount="175.60", issued_on=ISSUED)
    assert invoice.due_on == dt.date(2026, 6, 3)
    # when the job runs on 13 June (10 days after: not yet), then on 14 June
    assert reminders_run(municipality=town, now=at(dt.date(2026, 6, 13))) == []
    with django_capture_on_commit_callbacks(execute=True):
        totals = billing_reminders_run.call(now=at(dt.date(2026, 6, 14)).isoformat())
    # then one reminder, its fee on the invoice, a mail with the PDF
    assert totals == {"reminders_sent": 1}
    invoice.refresh_from_db()
    reminder = invoice.reminders.get()
    assert (reminder.level, reminder.fee, reminder.sent_on) == (
        1,
        Decimal("20.00"),
        dt.date(2026, 6, 14),
    )
    assert reminder.due_on == dt.date(2026, 7, 14)
    assert invoice.status == "reminded" and invoice.total == Decimal("195.60")
    assert invoice.lines.get(item_kind="reminder_fee").amount == Decimal("20.00")
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == invoice.debtor_email
    assert invoice.number in mail["Subject"]
    text = smtp_server.text_of(mail).replace(",", ".")  # the decimal mark of the language
    assert "CHF 195.60" in text and "CHF 20.00" in text
    pdfs = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_payload(decode=True).startswith(b"%PDF")


def test_once_a_day_and_at_most_reminders_max(town):
    invoice = issue(town, issued_on=ISSUED)
    day = dt.date(2026, 6, 14)
    assert len(reminders_run(municipality=town, now=at(day))) == 1
    assert len(reminders_run(municipality=town, now=at(day, 15))) == 0
    # the second reminder: 10 days after the first one's new due date (14 July)
    assert len(reminders_run(municipality=town, now=at(dt.date(2026, 7, 24)))) == 0
    assert len(reminders_run(municipality=town, now=at(dt.date(2026, 7, 25)))) == 1
    # no third: the town sends two at most
    assert len(reminders_run(municipality=town, now=at(dt.date(2026, 12, 1)))) == 0
    assert list(invoice.reminders.values_list("level", flat=True)) == [1, 2]
    invoice.refresh_from_db()
    assert invoice.total == Decimal("215.60")


def test_never_for_a_paid_or_cancelled_invoice(town):
    paid = issue(town, source_id=1, issued_on=ISSUED)
    cancelled = issue(town, source_id=2, issued_on=ISSUED)
    payment_record(invoice=paid, amount=paid.total, booked_on=ISSUED)
    invoice_cancel(invoice=cancelled, reason="Erreur", actor=None, now=at(ISSUED))
    assert len(reminders_run(municipality=town, now=at(dt.date(2026, 6, 20)))) == 0
    assert not Reminder.objects.exists()


def test_payment_imported_before_the_job_stops_the_reminder(town):
    # given an overdue invoice and a camt.054 paying it
    invoice = issue(town, issued_on=ISSUED)
    data = camt054(iban=QR_IBAN, payments=[Pay(invoice.reference, invoice.total, ref="P-1")])
    # when the file is imported, then the job runs
    bank_file_import(
        municipality=town, data=data, filename="camt.xml", now=at(dt.date(2026, 6, 14))
    )
    totals = billing_reminders_run.call(now=at(dt.date(2026, 6, 14), 10).isoformat())
    # then no reminder
    assert totals == {"reminders_sent": 0}
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert not Reminder.objects.exists()


def test_partly_paid_invoice_reminded_for_what_is_left(town):
    invoice = issue(town, issued_on=ISSUED)
    data = camt054(iban=QR_IBAN, payments=[Pay(invoice.reference, Decimal("100.00"), ref="P-1")])
    bank_file_import(municipality=town, data=data, filename="camt.xml", now=at(ISSUED))
    totals = billing_reminders_run.call(now=at(dt.date(2026, 6, 14)).isoformat())
    assert totals == {"reminders_sent": 1}
    # and the payment of the rest with the fee settles it
    rest = Decimal("175.60") - Decimal("100.00") + Decimal("20.00")
    data = camt054(
        iban=QR_IBAN, message_id="M2", payments=[Pay(invoice.reference, rest, ref="P-2")]
    )
    result = bank_file_import(municipality=town, data=data, filename="c2.xml", now=at(ISSUED))
    assert result.counts == {"paid": 1}
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"


def test_a_town_without_reminders_or_fee(town):
    # reminders_max 0: none; fee 0: a reminder without a fee line
    invoice = issue(town, source_id=1, issued_on=ISSUED)
    billing_settings_for(town, reminders_max=0)
    assert reminders_run(municipality=town, now=at(dt.date(2026, 6, 20))) == []
    billing_settings_for(town, reminders_max=1, reminder_fee=Decimal("0"))
    (reminder,) = reminders_run(municipality=town, now=at(dt.date(2026, 6, 20)))
    assert reminder.fee == Decimal("0")
    assert not invoice.lines.filter(item_kind="reminder_fee").exists()
    assert Invoice.objects.get(pk=invoice.pk).total == Decimal("175.60")
