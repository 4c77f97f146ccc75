import datetime as dt
from decimal import Decimal

from commune.billing.models import Deposit
from commune.billing.services.deposits import (
    deposit_hold,
    deposit_refund_done,
    deposit_refund_propose,
    deposit_retain,
)

NOW = dt.datetime(2028, 6, 1, 8, tzinfo=dt.UTC)


def _hold(town, source_id=5):
    return deposit_hold(
        municipality=town,
        source_kind="permit",
        source_id=source_id,
        source_label="PLY-2026-0005",
        amount=Decimal("500"),
        held_since=dt.date(2026, 5, 4),
        beneficiary_name="Romande Energie SA",
    )


def test_hold_is_once_per_source(in_town):
    first = _hold(in_town)
    again = _hold(in_town)
    assert first.pk == again.pk and Deposit.objects.count() == 1


def test_refund_propose_puts_a_held_deposit_on_the_refund_list(in_town):
    # given a held deposit
    _hold(in_town)
    # when the guarantee period ends without defects
    deposit = deposit_refund_propose(
        municipality=in_town, source_kind="permit", source_id=5, reason="Garantie échue", now=NOW
    )
    # then it is proposed for refund, dated, and a second call changes nothing
    assert deposit.status == Deposit.Status.REFUND_PROPOSED
    assert deposit.refund_proposed_on == dt.date(2028, 6, 1)
    later = NOW + dt.timedelta(days=3)
    again = deposit_refund_propose(
        municipality=in_town, source_kind="permit", source_id=5, reason="x", now=later
    )
    assert again.refund_proposed_on == dt.date(2028, 6, 1)


def test_refund_propose_without_a_deposit_is_none(in_town):
    assert (
        deposit_refund_propose(
            municipality=in_town, source_kind="permit", source_id=99, reason="x", now=NOW
        )
        is None
    )


def test_refund_then_done_or_retained(in_town):
    deposit = _hold(in_town)
    done = deposit_refund_done(deposit=deposit, refunded_on=dt.date(2028, 6, 5), actor=None)
    assert done.status == Deposit.Status.REFUNDED
    other = _hold(in_town, source_id=6)
    kept = deposit_retain(deposit=other, reason="Réfection par la commune", actor=None)
    assert kept.status == Deposit.Status.RETAINED
