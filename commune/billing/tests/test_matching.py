"""matching.py: each payment ends where it belongs, worked out by hand; and, for any input,
never more is applied than was paid or than was open, and the same input gives the same
output (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from commune.billing.matching import (
    DUPLICATE,
    IGNORED,
    OVERPAID,
    PAID,
    PARTIAL,
    UNKNOWN,
    OpenInvoice,
    entries_match,
)
from commune.billing.references import qrr_for, scor_for

A = qrr_for(year=2026, sequence=1)
B = qrr_for(year=2026, sequence=2)
C = scor_for(year=2026, sequence=3)
BAD = A[:-1] + str((int(A[-1]) + 1) % 10)  # check digit wrong


@dataclass(frozen=True)
class Tx:
    entry_ref: str
    amount: Decimal
    reference: str = ""
    currency: str = "CHF"
    credit: bool = True
    reversal: bool = False
    booked: bool = True


def _open():
    return {
        A: OpenInvoice(1, Decimal("175.60")),
        B: OpenInvoice(2, Decimal("100.00")),
        C: OpenInvoice(3, Decimal("50.00")),
    }


def test_each_payment_ends_where_it_belongs():
    # given
    spaced = " ".join([B[:2], B[2:7], B[7:12], B[12:17], B[17:22], B[22:]])
    txs = [
        Tx("1", Decimal("175.60"), A),  # full
        Tx("2", Decimal("60.00"), spaced),  # partial, reference with spaces
        Tx("3", Decimal("70.00"), B),  # 40 left on B: 40 applied, 30 excess
        Tx("4", Decimal("80.00"), C.lower()),  # overpaid by 30
        Tx("5", Decimal("10.00"), BAD),  # wrong check digit: unknown
        Tx("6", Decimal("10.00"), ""),  # no reference
        Tx("1", Decimal("175.60"), A),  # twice in the file
        Tx("old", Decimal("175.60"), A),  # imported before
        Tx("8", Decimal("9.00"), A, credit=False),  # a debit
        Tx("9", Decimal("9.00"), A, reversal=True),  # a reversal
        Tx("10", Decimal("5.00"), A, currency="EUR"),
        Tx("11", Decimal("9.00"), A, booked=False),  # pending
    ]
    # when
    matches = entries_match(txs, open_invoices=_open(), seen={"old"})
    # then
    assert [(m.outcome, m.invoice_id, m.applied, m.excess) for m in matches] == [
        (PAID, 1, Decimal("175.60"), Decimal("0")),
        (PARTIAL, 2, Decimal("60.00"), Decimal("0")),
        (OVERPAID, 2, Decimal("40.00"), Decimal("30.00")),
        (OVERPAID, 3, Decimal("50.00"), Decimal("30.00")),
        (UNKNOWN, None, Decimal("0"), Decimal("0")),
        (UNKNOWN, None, Decimal("0"), Decimal("0")),
        (DUPLICATE, 1, Decimal("0"), Decimal("0")),
        (DUPLICATE, 1, Decimal("0"), Decimal("0")),
        (IGNORED, None, Decimal("0"), Decimal("0")),
        (IGNORED, None, Decimal("0"), Decimal("0")),
        (UNKNOWN, None, Decimal("0"), Decimal("0")),
        (IGNORED, None, Decimal("0"), Decimal("0")),
    ]
    assert matches[1].reference == B


def test_second_full_payment_in_one_file_is_an_overpayment():
    txs = [Tx("a", Decimal("175.60"), A), Tx("b", Decimal("175.60"), A)]
    first, second = entries_match(txs, open_invoices=_open(), seen=set())
    assert (first.outcome, second.outcome) == (PAID, OVERPAID)
    assert (second.applied, second.excess) == (Decimal("0"), Decimal("175.60"))


def test_two_partials_that_complete_an_invoice():
    txs = [Tx("a", Decimal("75.60"), A), Tx("b", Decimal("100.00"), A)]
    assert [m.outcome for m in entries_match(txs, open_invoices=_open(), seen=set())] == [
        PARTIAL,
        PAID,
    ]


amounts = st.decimals(min_value=Decimal("-5"), max_value=Decimal("300"), places=2)
transactions = st.lists(
    st.builds(
        Tx,
        entry_ref=st.sampled_from(["r1", "r2", "r3", "r4", "r5", "r6", "old"]),
        amount=amounts,
        reference=st.sampled_from([A, B, C, BAD, ""]),
        currency=st.sampled_from(["CHF", "CHF", "EUR"]),
        credit=st.booleans(),
        reversal=st.booleans(),
        booked=st.booleans(),
    ),
    max_size=12,
)


@given(transactions)
def test_never_applies_more_than_paid_or_open(txs):
    matches = entries_match(txs, open_invoices=_open(), seen={"old"})
    assert len(matches) == len(txs)
    paid_in = sum((t.amount for t in txs if t.credit and t.amount > 0), Decimal("0"))
    assert sum((m.applied for m in matches), Decimal("0")) <= paid_in
    for invoice in _open().values():
        applied = sum((m.applied for m in matches if m.invoice_id == invoice.id), Decimal("0"))
        assert applied <= invoice.open_amount
    for tx, match in zip(txs, matches, strict=True):
        assert match.applied >= 0 and match.excess >= 0
        if match.outcome in (PAID, PARTIAL, OVERPAID):
            assert match.applied + match.excess == tx.amount
        else:
            assert match.applied == 0


@given(transactions)
def test_same_input_same_output(txs):
    assert entries_match(txs, open_invoices=_open(), seen={"old"}) == entries_match(
        list(txs), open_invoices=_open(), seen={"old"}
    )


def test_a_zero_amount_is_applied_to_nothing():
    (match,) = entries_match([Tx("z", Decimal("0.00"), A)], open_invoices=_open(), seen=set())
    assert (match.outcome, match.applied) == (UNKNOWN, Decimal("0"))
