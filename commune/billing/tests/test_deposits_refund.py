"""The deposits' refund list: what the guarantee's end proposed, as CSV; marked refunded once,
by finance only; another town's deposit cannot be marked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from commune.accounts.models import Role
from commune.accounts.tests.factories import MembershipFactory
from commune.billing.models import Deposit
from commune.billing.services.deposits import deposit_hold, deposit_refund_propose
from commune.billing.services.deposits_refund import refund_list_csv
from commune.tenants.scoping import scope

from .factories import billing_settings_for

NOW = dt.datetime(2027, 5, 4, 9, tzinfo=dt.UTC)


def _deposit(town, source_id: int, *, propose: bool = True, name: str = "Muster Bau SA"):
    deposit = deposit_hold(
        municipality=town,
        source_kind="permit",
        source_id=source_id,
        source_label=f"PLY-2026-{source_id:04d}",
        amount=Decimal("2000.00"),
        held_since=dt.date(2026, 5, 4),
        beneficiary_name=name,
    )
    Deposit.objects.filter(pk=deposit.pk).update(beneficiary_iban="CH5604835012345678009")
    if propose:
        deposit_refund_propose(
            municipality=town,
            source_kind="permit",
            source_id=source_id,
            reason="Garantie échue sans défaut",
            now=NOW,
        )
    return Deposit.objects.get(pk=deposit.pk)


@pytest.fixture
def town(in_town):
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    billing_settings_for(in_town)
    return in_town


def test_refund_list_csv_holds_the_proposed_deposits(town):
    _deposit(town, 1, name="@SUM(A1)")
    _deposit(town, 2, propose=False)
    rows = list(csv.reader(io.StringIO(refund_list_csv(municipality=town).decode())))
    assert rows[0] == [
        "beneficiary",
        "iban",
        "amount",
        "currency",
        "reference",
        "proposed_on",
        "reason",
        "deposit_id",
    ]
    assert len(rows) == 2
    beneficiary, iban, amount, currency, reference, proposed, reason, _pk = rows[1]
    assert beneficiary == "'@SUM(A1)"
    assert (iban, amount, currency) == ("CH5604835012345678009", "2000.00", "CHF")
    assert "PLY-2026-0001" in reference and proposed == "2027-05-04"


def test_finance_marks_refunded_once(town, staff_client):
    finance = MembershipFactory(role=Role.FINANCE).user
    deposit = _deposit(town, 1)
    client = staff_client(finance)
    page = client.get("/pully/billing/exports/")
    assert "PLY-2026-0001" in page.content.decode()
    assert client.get("/pully/billing/exports/refunds.csv").content.count(b"\n") == 2
    url = "/pully/billing/exports/refunds/mark/"
    data = {"deposits": [deposit.pk], "refunded_on": "2027-05-10"}
    client.post(url, data)
    client.post(url, data)  # submitted twice: the deposit is no longer proposed; refused
    deposit.refresh_from_db()
    assert (deposit.status, deposit.refunded_on) == ("refunded", dt.date(2027, 5, 10))
    assert b"PLY-2026-0001" not in client.get("/pully/billing/exports/refunds.csv").content


def test_other_roles_and_other_towns(town, town_b, staff_client):
    officer = MembershipFactory(role=Role.PERMIT_OFFICER).user
    finance = MembershipFactory(role=Role.FINANCE).user
    with scope(town_b):
        billing_settings_for(town_b)
        theirs = _deposit(town_b, 9)
    assert staff_client(officer).get("/pully/billing/exports/refunds.csv").status_code == 403
    client = staff_client(finance)
    client.post(
        "/pully/billing/exports/refunds/mark/",
        {"deposits": [theirs.pk], "refunded_on": "2027-05-10"},
    )
    with scope(town_b):
        assert Deposit.objects.get(pk=theirs.pk).status == "refund_proposed"
