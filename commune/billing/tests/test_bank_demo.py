"""The demo bank file is a camt.054 pycamt reads, and imported once it fills the exceptions
queue with a partial payment, an overpayment and an unknown payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from pycamt.parser import Camt053Parser

from commune.billing.demo_bank import bank_demo, demo_camt054
from commune.billing.models import BankEntry, BankFile, Invoice
from commune.billing.services.bank import exceptions_pending
from commune.billing.services.payments import payment_record

from .factories import QR_IBAN, billing_settings_for, issue


@pytest.mark.clock
def test_demo_file_fills_the_queue_once(in_town):
    billing_settings_for(in_town)
    paid = issue(in_town, source_id=1, amount="175.60")
    payment_record(invoice=paid, amount=paid.total, booked_on=dt.date(2026, 5, 10))
    issue(in_town, source_id=2, amount="100.00", issued_on=timezone.localdate())
    issue(in_town, source_id=3, amount="80.00", issued_on=dt.date(2026, 1, 5))  # overdue
    # when
    first = bank_demo(in_town)
    again = bank_demo(in_town)
    # then
    assert first is not None and again is None and BankFile.objects.count() == 1
    assert sorted(e.outcome for e in exceptions_pending(municipality=in_town)) == [
        "overpaid",
        "partial",
        "unknown",
    ]
    assert BankEntry.objects.get(outcome="partial").amount == Decimal("50.00")
    assert Invoice.objects.get(source_id=3).status == "open"  # the overdue one, left for reminders


def test_demo_file_is_read_by_pycamt(in_town):
    billing_settings_for(in_town)
    invoice = issue(in_town, source_id=1, issued_on=dt.date(2026, 12, 1))
    data = demo_camt054(iban=QR_IBAN, invoices=[invoice], day=dt.date(2026, 12, 4))

    class Camt054(Camt053Parser):
        def _find_statements_or_reports(self):
            return self.tree.findall(".//Ntfctn", self.namespaces)

    rows = Camt054(data).get_transactions()
    assert [(r["Amount"], r.get("RemittanceInformation")) for r in rows] == [
        ("87.80", invoice.reference),
        ("120.00", "Permis fouille av. de Lavaux"),
    ]
