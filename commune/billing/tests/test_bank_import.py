"""services/bank.py: a camt.054 built per the Swiss Payment Standards is imported; each entry
ends where it belongs; the same file again changes nothing; another account's file is refused;
the folder the worker watches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from commune.billing.models import BankEntry, BankFile, Invoice, Payment
from commune.billing.services.bank import (
    BankImportError,
    bank_entry_assign,
    bank_entry_resolve,
    bank_file_import,
    bank_inbox_dir,
    bank_inbox_run,
    exceptions_pending,
)
from commune.billing.services.invoices import invoice_cancel
from commune.billing.services.payments import payment_record
from commune.billing.tasks import billing_inbox_poll
from commune.billing.tests.camt_files import Camt054Parser, Pay, camt053, camt054
from commune.core.schedule import registered
from commune.tenants.scoping import scope

from .factories import PLAIN_IBAN, QR_IBAN, billing_settings_for, issue

NOW = dt.datetime(2026, 12, 5, 8, tzinfo=dt.UTC)


@pytest.fixture
def invoices(in_town):
    billing_settings_for(in_town)
    return [
        issue(in_town, source_id=1, amount="175.60"),
        issue(in_town, source_id=2, amount="100.00"),
        issue(in_town, source_id=3, amount="50.00"),
        issue(in_town, source_id=4, amount="80.00"),
    ]


def mixed_file(invoices, message_id="MSG-1"):
    """Full, partial, overpaid, unknown and duplicate entries (and a debit)."""
    full, part, over, _untouched = invoices
    unknown_qrr = "000000000000000000000000016"  # a valid QRR no invoice has
    return camt054(
        iban=QR_IBAN,
        message_id=message_id,
        payments=[
            Pay(full.reference, Decimal("175.60"), ref="T-1"),
            Pay(part.reference, Decimal("60.00"), ref="T-2"),
            Pay(over.reference, Decimal("70.00"), ref="T-3"),
            Pay(unknown_qrr, Decimal("33.00"), ref="T-4"),
            Pay("", Decimal("12.00"), ref="T-5", text="Facture permis fouille"),
            Pay(full.reference, Decimal("175.60"), ref="T-1"),  # the bank sent it twice
            Pay(full.reference, Decimal("9.00"), ref="T-6", credit=False),
        ],
    )


def test_each_entry_ends_where_it_belongs(in_town, invoices):
    data = mixed_file(invoices)
    # the file as a parser we did not write reads it: what we store is what it holds
    theirs = Camt054Parser(data).get_transactions()
    # when
    result = bank_file_import(municipality=in_town, data=data, filename="camt.xml", now=NOW)
    # then
    full, part, over, untouched = (Invoice.objects.get(pk=i.pk) for i in invoices)
    assert result.created
    assert result.counts == {
        "paid": 1,
        "partial": 1,
        "overpaid": 1,
        "unknown": 2,
        "duplicate": 1,
        "ignored": 1,
    }
    assert (full.status, full.amount_paid) == ("paid", Decimal("175.60"))
    assert (part.status, part.amount_paid) == ("partly_paid", Decimal("60.00"))
    assert (over.status, over.amount_paid) == ("paid", Decimal("50.00"))
    assert (untouched.status, untouched.amount_paid) == ("open", Decimal("0"))
    assert Payment.objects.count() == 3
    overpaid = BankEntry.objects.get(outcome="overpaid")
    assert overpaid.excess_amount == Decimal("20.00") and overpaid.invoice_id == over.pk
    queue = exceptions_pending(municipality=in_town)
    assert sorted(e.outcome for e in queue) == [
        "duplicate",
        "overpaid",
        "partial",
        "unknown",
        "unknown",
    ]
    assert BankFile.objects.get().counts == result.counts
    stored = BankEntry.objects.order_by("pk")
    assert [(e.amount, e.credit, e.reference or e.unstructured) for e in stored] == [
        (
            Decimal(t["Amount"]),
            t["CreditDebitIndicator"] == "CRDT",
            t.get("RemittanceInformation", ""),
        )
        for t in theirs
    ]


def test_same_file_twice_changes_nothing(in_town, invoices):
    data = mixed_file(invoices)
    bank_file_import(municipality=in_town, data=data, filename="a.xml", now=NOW)
    entries, payments = BankEntry.objects.count(), Payment.objects.count()
    # when: the same bytes, then the same message id in a file written again
    again = bank_file_import(municipality=in_town, data=data, filename="b.xml", now=NOW)
    rewritten = bank_file_import(
        municipality=in_town,
        data=data.replace(b"<NtryRef>1<", b"<NtryRef>9<"),
        filename="c.xml",
        now=NOW,
    )
    # then
    assert not again.created and not rewritten.created
    with translation.override("en"):
        assert "already imported" in again.message and "a.xml" in again.message
    assert (BankEntry.objects.count(), Payment.objects.count()) == (entries, payments)
    assert BankFile.objects.count() == 1


def test_payment_seen_in_a_later_statement_is_a_duplicate(in_town, invoices):
    # given the notification of a payment
    full = invoices[0]
    pay = Pay(full.reference, Decimal("175.60"), ref="T-1")
    bank_file_import(
        municipality=in_town, data=camt054(iban=QR_IBAN, payments=[pay]), filename="n", now=NOW
    )
    # when the day's statement lists it again
    result = bank_file_import(
        municipality=in_town, data=camt053(iban=QR_IBAN, payments=[pay]), filename="s", now=NOW
    )
    # then it is not paid twice
    assert result.counts == {"duplicate": 1}
    assert Invoice.objects.get(pk=full.pk).amount_paid == Decimal("175.60")


def test_another_accounts_file_is_refused(in_town, invoices):
    data = camt054(iban=PLAIN_IBAN, payments=[Pay(invoices[0].reference, Decimal("1.00"))])
    with pytest.raises(BankImportError, match="CH9300762011623852957"):
        bank_file_import(municipality=in_town, data=data, filename="x.xml", now=NOW)
    assert not BankFile.objects.exists() and not BankEntry.objects.exists()


def test_a_refused_file_leaves_nothing_half_saved(in_town, invoices):
    data = mixed_file(invoices).replace(b">60.00<", b">NaN<")
    with translation.override("en"), pytest.raises(BankImportError, match="amount"):
        bank_file_import(municipality=in_town, data=data, filename="x.xml", now=NOW)
    assert not BankFile.objects.exists() and not Payment.objects.exists()


def test_files_of_another_town_are_its_own(in_town, invoices, town_b):
    # the same file for the other town (same IBAN set there) imports there, not here
    data = mixed_file(invoices)
    bank_file_import(municipality=in_town, data=data, filename="a.xml", now=NOW)
    with scope(town_b):
        billing_settings_for(town_b)
        result = bank_file_import(municipality=town_b, data=data, filename="a.xml", now=NOW)
        assert result.created and result.counts["unknown"] == 5


def test_unknown_entry_assigned_once_and_resolved(in_town, invoices, django_user_model):
    user = django_user_model.objects.create_user("fin", password="x")
    bank_file_import(municipality=in_town, data=mixed_file(invoices), filename="a", now=NOW)
    unknown = BankEntry.objects.filter(outcome="unknown").order_by("id").first()
    target = invoices[3]
    # when finance assigns it, twice
    bank_entry_assign(entry=unknown, invoice=target, actor=user, now=NOW)
    bank_entry_assign(entry=unknown, invoice=target, actor=user, now=NOW)
    # then one payment of its amount
    assert Invoice.objects.get(pk=target.pk).amount_paid == Decimal("33.00")
    assert Payment.objects.filter(bank_entry=unknown).count() == 1
    # a partial entry is resolved with a note, and leaves the queue
    partial = BankEntry.objects.get(outcome="partial")
    with pytest.raises(BankImportError):
        bank_entry_resolve(entry=partial, actor=user, now=NOW, note=" ")
    bank_entry_resolve(entry=partial, actor=user, now=NOW, note="Rappel envoyé")
    assert partial.pk not in {e.pk for e in exceptions_pending(municipality=in_town)}
    assert unknown.pk not in {e.pk for e in exceptions_pending(municipality=in_town)}


def test_inbox_imports_then_moves_files(in_town, invoices, settings, tmp_path):
    settings.BILLING_INBOX_DIR = tmp_path
    inbox = bank_inbox_dir(municipality=in_town)
    inbox.mkdir(parents=True)
    (inbox / "1-good.xml").write_bytes(mixed_file(invoices))
    (inbox / "2-again.xml").write_bytes(mixed_file(invoices))
    (inbox / "3-bad.xml").write_bytes(b"%PDF-1.7 not a bank file")
    (inbox / "4-writing.xml.part").write_bytes(b"<")
    # when
    totals = bank_inbox_run(municipality=in_town, now=NOW)
    # then
    assert totals == {"bank_files_imported": 1, "bank_files_failed": 1}
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "20261205T090000-1-good.xml",
        "20261205T090000-2-again.xml",
    ]
    failed = sorted(p.name for p in (inbox / "failed").iterdir())
    assert failed == ["20261205T090000-3-bad.xml", "20261205T090000-3-bad.xml.txt"]
    assert "XML" in (inbox / "failed" / failed[1]).read_text()  # the town's language
    assert [p.name for p in inbox.iterdir() if p.is_file()] == ["4-writing.xml.part"]
    assert BankFile.objects.count() == 1


def test_periodic_job_reads_the_inbox_of_towns_that_bill(in_town, invoices, settings, tmp_path):
    # given a town billing with a file in its inbox, the periodic job registered
    settings.BILLING_INBOX_DIR = tmp_path
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    inbox = bank_inbox_dir(municipality=in_town)
    inbox.mkdir(parents=True)
    (inbox / "camt.xml").write_bytes(mixed_file(invoices))
    assert "commune.billing.tasks.billing_inbox_poll" in registered()
    # when
    totals = billing_inbox_poll.call(now=NOW.isoformat())
    # then
    assert totals == {"bank_files_imported": 1, "bank_files_failed": 0}
    assert Invoice.objects.get(pk=invoices[0].pk).status == "paid"


def test_inbox_goes_on_when_a_file_cannot_be_moved(in_town, invoices, settings, tmp_path):
    # given an inbox whose processed/ cannot be made (a file stands in its place)
    settings.BILLING_INBOX_DIR = tmp_path
    inbox = bank_inbox_dir(municipality=in_town)
    inbox.mkdir(parents=True)
    (inbox / "processed").write_text("not a folder")
    (inbox / "a.xml").write_bytes(mixed_file(invoices))
    (inbox / "b.xml").write_bytes(b"not xml")
    # when
    totals = bank_inbox_run(municipality=in_town, now=NOW)
    # then the file is imported (and stays), the next ones still handled (the stray
    # "processed" file among them, refused)
    assert totals == {"bank_files_imported": 1, "bank_files_failed": 2}
    assert (inbox / "a.xml").exists() and not (inbox / "b.xml").exists()
    # and the next run imports nothing again, and moves it
    assert bank_inbox_run(municipality=in_town, now=NOW)["bank_files_imported"] == 0
    assert BankFile.objects.count() == 1
    assert not (inbox / "a.xml").exists()


def test_cancelled_invoice_takes_no_payment_and_open_amount_counts_earlier_ones(in_town, invoices):
    # given invoice 2 cancelled, invoice 3 (50.00) already paid 20.00 by hand
    invoice_cancel(invoice=invoices[1], reason="Erreur", actor=None, now=NOW)
    payment_record(invoice=invoices[2], amount=Decimal("20.00"), booked_on=NOW.date())
    data = camt054(
        iban=QR_IBAN,
        payments=[
            Pay(invoices[1].reference, Decimal("100.00"), ref="C-1"),
            Pay(invoices[2].reference, Decimal("30.00"), ref="C-2"),
        ],
    )
    # when
    result = bank_file_import(municipality=in_town, data=data, filename="c.xml", now=NOW)
    # then the cancelled invoice's payment is unknown, the rest of invoice 3 pays it
    assert result.counts == {"unknown": 1, "paid": 1}
    assert Invoice.objects.get(pk=invoices[2].pk).status == "paid"
    assert not Payment.objects.filter(invoice=invoices[1]).exists()


def test_only_an_unknown_entry_is_assigned_and_to_the_towns_invoice(
    in_town, invoices, town_b, django_user_model
):
    user = django_user_model.objects.create_user("fin2", password="x")
    bank_file_import(municipality=in_town, data=mixed_file(invoices), filename="a", now=NOW)
    partial = BankEntry.objects.get(outcome="partial")
    with pytest.raises(BankImportError):
        bank_entry_assign(entry=partial, invoice=invoices[3], actor=user, now=NOW)
    unknown = BankEntry.objects.filter(outcome="unknown").first()
    with scope(town_b):
        billing_settings_for(town_b)
        theirs = issue(town_b, source_id=7)
    with pytest.raises(BankImportError):
        bank_entry_assign(entry=unknown, invoice=theirs, actor=user, now=NOW)
    assert Payment.objects.filter(bank_entry=partial).count() == 1  # from the import only
    assert not Payment.objects.filter(bank_entry=unknown).exists()


def test_inbox_leaves_links_and_refuses_large_files(
    in_town, invoices, settings, tmp_path, monkeypatch
):
    settings.BILLING_INBOX_DIR = tmp_path / "inbox"
    inbox = bank_inbox_dir(municipality=in_town)
    inbox.mkdir(parents=True)
    outside = tmp_path / "elsewhere.xml"
    outside.write_bytes(mixed_file(invoices))
    (inbox / "link.xml").symlink_to(outside)
    (inbox / "big.xml").write_bytes(mixed_file(invoices, message_id="BIG"))
    monkeypatch.setattr("commune.billing.services.bank.MAX_BYTES", 100)
    totals = bank_inbox_run(municipality=in_town, now=NOW)
    assert totals == {"bank_files_imported": 0, "bank_files_failed": 1}
    assert (inbox / "link.xml").is_symlink() and outside.exists()
    assert not BankFile.objects.exists()
