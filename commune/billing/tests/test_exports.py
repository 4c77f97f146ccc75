"""The accounting export, worked out by hand: invoice lines to their revenue accounts, a credit
note and a cancellation reversed, payments from the bank; a formula in a debtor's name stays
text; finance only, the period's dates checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from commune.accounts.models import Role
from commune.accounts.tests.factories import MembershipFactory
from commune.billing.services.credit import credit_note_issue
from commune.billing.services.debtors import Debtor
from commune.billing.services.exports import accounting_csv
from commune.billing.services.invoices import Line, invoice_cancel, invoice_issue
from commune.billing.services.payments import payment_record

from .factories import billing_settings_for, issue

DAY = dt.date(2026, 5, 4)


@pytest.fixture
def town(in_town):
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    billing_settings_for(
        in_town,
        receivables_account="1012",
        bank_account="1020",
        revenue_accounts={"permit_fee": "4210", "occupation": "4211"},
    )
    return in_town


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_bookings_of_a_period_by_hand(town):
    # given an invoice of two lines (one of an item kind with no account), a payment,
    # a credit note on it, and a cancelled invoice
    hostile = Debtor(name='=HYPERLINK("http://x")', postcode="1009", town="Pully")
    first = invoice_issue(
        municipality=town,
        source_kind="permit",
        source_id=1,
        source_label="PLY-2026-0001",
        purpose="grant",
        debtor=hostile,
        lines=[
            Line(label="Émolument", unit_price=Decimal("100.00"), item_kind="permit_fee"),
            Line(label="+Occupation", unit_price=Decimal("75.60"), item_kind="occupation"),
            Line(label="Divers", unit_price=Decimal("5.00"), item_kind="other"),
        ],
        issued_on=DAY,
    )
    payment_record(invoice=first, amount=Decimal("100.00"), booked_on=dt.date(2026, 5, 10))
    credit_note_issue(
        original=first,
        lines=[Line(label="Réduction", unit_price=Decimal("5.00"), item_kind="permit_fee")],
        reason="Geste",
        issued_on=dt.date(2026, 5, 11),
        actor=None,
    )
    second = issue(town, source_id=2, amount="40.00", issued_on=DAY)
    invoice_cancel(
        invoice=second,
        reason="Erreur",
        actor=None,
        now=dt.datetime(2026, 5, 12, 10, tzinfo=dt.UTC),
    )
    outside = issue(town, source_id=3, amount="1.00", issued_on=dt.date(2026, 6, 1))
    # when
    rows = _rows(accounting_csv(municipality=town, start=DAY, end=dt.date(2026, 5, 31)))
    # then
    assert rows[0][:6] == [
        "date",
        "document",
        "booking",
        "debit_account",
        "credit_account",
        "amount",
    ]
    booked = [r[:6] for r in rows[1:]]
    n1, n2 = first.number, second.number
    note = first.corrections.get().number
    assert booked == [
        ["2026-05-04", n1, "invoice", "1012", "4210", "100.00"],
        ["2026-05-04", n1, "invoice", "1012", "4211", "75.60"],
        ["2026-05-04", n1, "invoice", "1012", "?", "5.00"],
        ["2026-05-04", n2, "invoice", "1012", "4210", "40.00"],
        ["2026-05-10", n1, "payment", "1020", "1012", "100.00"],
        ["2026-05-11", note, "credit_note", "4210", "1012", "5.00"],
        ["2026-05-12", n2, "cancellation", "4210", "1012", "40.00"],
    ]
    assert outside.number not in {r[1] for r in rows}
    # the formula is text: an apostrophe before it
    texts = [r[7] for r in rows[1:]]
    assert texts[0] == 'Émolument — =HYPERLINK("http://x")'
    assert texts[1].startswith("'+Occupation")
    assert rows[5][7].startswith("'=HYPERLINK")  # the payment's text: the debtor's name


def test_export_page_downloads_and_checks_the_period(town, staff_client):
    finance = MembershipFactory(role=Role.FINANCE).user
    officer = MembershipFactory(role=Role.PERMIT_OFFICER).user
    issue(town, source_id=1, issued_on=DAY)
    client = staff_client(officer)
    assert client.get("/pully/billing/exports/").status_code == 403
    client = staff_client(finance)
    page = client.get("/pully/billing/exports/")
    assert page.status_code == 200
    response = client.get("/pully/billing/exports/", {"start": "2026-05-01", "end": "2026-05-31"})
    assert response["Content-Type"].startswith("text/csv")
    assert len(_rows(response.content)) == 2
    reversed_period = client.get(
        "/pully/billing/exports/", {"start": "2026-05-31", "end": "2026-05-01"}
    )
    assert reversed_period.status_code == 400
    nonsense = client.get("/pully/billing/exports/", {"start": "2026-02-30", "end": "x"})
    assert nonsense.status_code == 400
