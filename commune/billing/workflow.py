"""The invoice's state machine: the allowed transitions and the pure rules that pick the status
after a payment or a credit. Nothing here touches the database."""

from __future__ import annotations

from decimal import Decimal

OPEN = "open"
PARTLY_PAID = "partly_paid"
PAID = "paid"
REMINDED = "reminded"
CANCELLED = "cancelled"
REFUNDED = "refunded"

#: from → the states an invoice (or credit note) may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({PARTLY_PAID, PAID, REMINDED, CANCELLED}),
    REMINDED: frozenset({PARTLY_PAID, PAID, REMINDED, CANCELLED}),
    PARTLY_PAID: frozenset({PARTLY_PAID, PAID, REMINDED}),
    PAID: frozenset({PAID, REFUNDED}),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
}

#: Money is still expected: reminders run, bank entries are matched against these.
AWAITING_PAYMENT = frozenset({OPEN, PARTLY_PAID, REMINDED})
#: Nothing more will happen to the invoice.
SETTLED = frozenset({PAID, CANCELLED, REFUNDED})


class TransitionError(ValueError):
    """The invoice cannot move from its status to the one asked."""


def check(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionError(f"{current} → {target}")


def can_cancel(*, status: str, amount_paid: Decimal) -> bool:
    """An invoice nothing was paid on can be cancelled; one paid on is corrected by a credit
    note instead, so that the money received stays accounted for."""
    return CANCELLED in TRANSITIONS.get(status, frozenset()) and amount_paid == 0


def balance(*, total: Decimal, amount_paid: Decimal, credited: Decimal) -> Decimal:
    """What the debtor still owes (negative: the town owes the debtor)."""
    return total - credited - amount_paid


def status_after_payment(
    *, status: str, total: Decimal, amount_paid: Decimal, credited: Decimal
) -> str:
    """Paid when nothing is left to pay, partly paid when something came in, else unchanged
    (open or reminded): a reminder stops the moment the money arrives."""
    if status not in AWAITING_PAYMENT:
        return status
    if balance(total=total, amount_paid=amount_paid, credited=credited) <= 0:
        return PAID
    if amount_paid > 0:
        return PARTLY_PAID
    return status
