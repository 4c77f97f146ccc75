import datetime as dt
from decimal import Decimal

import pytest
from stdnum import iso11649
from stdnum.ch import esr

from commune.billing.models import Invoice
from commune.billing.services.credit import credit_note_issue, credit_note_refunded
from commune.billing.services.invoices import BillingError, Line, invoice_cancel
from commune.billing.services.payments import invoice_balance, payment_record
from commune.core.models import AuditEntry

from .factories import PLAIN_IBAN, billing_settings_for, issue

NOW = dt.datetime(2026, 5, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def billing_a(in_town):
    return billing_settings_for(in_town)


def test_issue_numbers_per_town_and_year_with_a_qr_reference(in_town, billing_a):
    # given a town whose account is a QR-IBAN
    # when two invoices are issued
    first = issue(in_town, source_id=1)
    second = issue(in_town, source_id=2)
    # then they are numbered in sequence, due after the term, with valid QR references
    assert (first.number, second.number) == ("F-2026-00001", "F-2026-00002")
    assert first.due_on == dt.date(2026, 6, 3)
    assert len(first.reference) == 27 and esr.is_valid(first.reference)
    assert first.reference != second.reference
    assert first.total == Decimal("175.60") and first.lines.get().amount == Decimal("175.60")
    assert AuditEntry.objects.filter(action="invoice_issued", object_id=str(first.pk)).exists()


def test_a_plain_iban_gives_a_creditor_reference(in_town):
    billing_settings_for(in_town, iban=PLAIN_IBAN)
    invoice = issue(in_town)
    assert invoice.reference.startswith("RF") and iso11649.is_valid(invoice.reference)


def test_issue_is_idempotent_per_source_and_purpose(in_town, billing_a):
    # given an invoice for the grant of permit 1
    first = issue(in_town, source_id=1)
    # when the grant bills again, and then an extension bills
    again = issue(in_town, source_id=1, amount="999")
    other = issue(in_town, source_id=1, purpose="extension-1", amount="50")
    # then the grant has one invoice and the extension its own
    assert again.pk == first.pk and again.total == Decimal("175.60")
    assert other.pk != first.pk
    assert Invoice.objects.count() == 2


def test_numbers_are_per_town(in_town, billing_a, town_b):
    from commune.tenants.scoping import scope

    issue(in_town, source_id=1)
    with scope(town_b):
        billing_settings_for(town_b)
        assert issue(town_b, source_id=1).number == "F-2026-00001"


def test_a_town_without_settings_cannot_issue(in_town):
    with pytest.raises(BillingError):
        issue(in_town)


def test_payments_make_the_invoice_partly_paid_then_paid(in_town, billing_a):
    invoice = issue(in_town)
    payment_record(invoice=invoice, amount=Decimal("100"), booked_on=dt.date(2026, 5, 10))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTLY_PAID
    assert invoice_balance(invoice) == Decimal("75.60")
    payment_record(invoice=invoice, amount=Decimal("75.60"), booked_on=dt.date(2026, 5, 11))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.amount_paid == Decimal("175.60")


def test_a_payment_stops_a_reminded_invoice(in_town, billing_a):
    invoice = issue(in_town)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.REMINDED)
    payment_record(invoice=invoice, amount=Decimal("175.60"), booked_on=dt.date(2026, 7, 1))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_payment_refuses_nonsense(in_town, billing_a):
    invoice = issue(in_town)
    with pytest.raises(BillingError):
        payment_record(invoice=invoice, amount=Decimal("0"), booked_on=dt.date(2026, 5, 10))
    invoice_cancel(invoice=invoice, reason="Erreur de débiteur", actor=None, now=NOW)
    with pytest.raises(BillingError):
        payment_record(invoice=invoice, amount=Decimal("5"), booked_on=dt.date(2026, 5, 10))


def test_cancel_needs_a_reason_and_no_payment(in_town, billing_a):
    invoice = issue(in_town)
    with pytest.raises(BillingError):
        invoice_cancel(invoice=invoice, reason="  ", actor=None, now=NOW)
    paid = issue(in_town, source_id=2)
    payment_record(invoice=paid, amount=Decimal("10"), booked_on=dt.date(2026, 5, 10))
    with pytest.raises(BillingError):
        invoice_cancel(invoice=paid, reason="Doublon", actor=None, now=NOW)
    cancelled = invoice_cancel(invoice=invoice, reason="Doublon", actor=None, now=NOW)
    assert cancelled.status == Invoice.Status.CANCELLED and cancelled.cancelled_at == NOW
    assert cancelled.cancelled_reason == "Doublon"


def test_credit_note_on_an_unpaid_invoice_lowers_what_is_owed(in_town, billing_a):
    invoice = issue(in_town)
    note = credit_note_issue(
        original=invoice,
        lines=[Line(label="Réduction", unit_price=Decimal("75.60"), item_kind="permit_fee")],
        reason="Surface corrigée",
        issued_on=dt.date(2026, 5, 12),
    )
    invoice.refresh_from_db()
    assert note.number == "NC-2026-00002" and note.corrects == invoice
    assert note.status == Invoice.Status.PAID  # settled against the original at once
    assert invoice_balance(invoice) == Decimal("100.00")
    payment_record(invoice=invoice, amount=Decimal("100"), booked_on=dt.date(2026, 5, 20))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_credit_note_on_a_paid_invoice_is_refunded(in_town, billing_a):
    invoice = issue(in_town)
    payment_record(invoice=invoice, amount=Decimal("175.60"), booked_on=dt.date(2026, 5, 10))
    note = credit_note_issue(
        original=invoice,
        lines=[Line(label="Réduction", unit_price=Decimal("50"), item_kind="permit_fee")],
        reason="Durée réduite",
        issued_on=dt.date(2026, 5, 12),
    )
    assert note.status == Invoice.Status.OPEN
    refunded = credit_note_refunded(note=note, refunded_on=dt.date(2026, 5, 30), actor=None)
    assert refunded.status == Invoice.Status.REFUNDED


def test_a_credit_note_cannot_take_off_more_than_billed(in_town, billing_a):
    invoice = issue(in_town)
    with pytest.raises(BillingError):
        credit_note_issue(
            original=invoice,
            lines=[Line(label="Trop", unit_price=Decimal("175.65"), item_kind="permit_fee")],
            reason="x",
            issued_on=dt.date(2026, 5, 12),
        )


def test_a_full_credit_on_an_unpaid_invoice_cancels_it(in_town, billing_a):
    invoice = issue(in_town)
    credit_note_issue(
        original=invoice,
        lines=[Line(label="Annulation", unit_price=Decimal("175.60"), item_kind="permit_fee")],
        reason="Permis retiré",
        issued_on=dt.date(2026, 5, 12),
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
