"""Where each payment of a bank file goes: pure, no database (services/bank.py stores it).

    matches = entries_match(transactions, open_invoices={ref: OpenInvoice(7, Decimal("175.60"))},
                            seen=set_of_entry_refs_already_imported)

Per transaction, in the file's order:
- duplicate: its entry_ref was imported before, or came earlier in this file: nothing applied;
- ignored: a debit, a reversal or an entry not booked yet (listed, never applied);
- unknown: no valid reference, no open invoice with it, or not in CHF;
- paid / partial / overpaid: against the invoice's open amount *as the file has left it*, so
  two payments of one invoice in one file are applied in order (the second of two full
  payments is an overpayment). Never more than the open amount is applied; the rest is excess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .references import reference_normal

PAID = "paid"
PARTIAL = "partial"
OVERPAID = "overpaid"
UNKNOWN = "unknown"
DUPLICATE = "duplicate"
IGNORED = "ignored"
ZERO = Decimal("0.00")


class Payable(Protocol):
    entry_ref: str
    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    reference: str
    booked: bool


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    open_amount: Decimal


@dataclass(frozen=True)
class Match:
    """What to do with one transaction: record `applied` on invoice `invoice_id` (when > 0) and
    list `excess` for finance. `reference` is the normalised reference (None if invalid)."""

    entry_ref: str
    outcome: str
    reference: str | None
    invoice_id: int | None = None
    applied: Decimal = ZERO
    excess: Decimal = ZERO


def entries_match(
    transactions: Iterable[Payable],
    *,
    open_invoices: dict[str, OpenInvoice],
    seen: set[str],
    normalise: Callable[[str | None], str | None] = reference_normal,
    currency: str = "CHF",
) -> list[Match]:
    """One Match per transaction, in order (see the module's docstring)."""
    remaining = {ref: inv.open_amount for ref, inv in open_invoices.items()}
    refs_seen = set(seen)
    out: list[Match] = []
    for tx in transactions:
        reference = normalise(tx.reference)
        if tx.entry_ref in refs_seen:
            invoice = open_invoices.get(reference) if reference else None
            out.append(Match(tx.entry_ref, DUPLICATE, reference, invoice.id if invoice else None))
            continue
        refs_seen.add(tx.entry_ref)
        if not tx.credit or tx.reversal or not tx.booked:
            out.append(Match(tx.entry_ref, IGNORED, reference))
            continue
        invoice = open_invoices.get(reference) if reference else None
        if invoice is None or tx.currency != currency or tx.amount <= ZERO:
            out.append(Match(tx.entry_ref, UNKNOWN, reference))
            continue
        open_amount = remaining[reference]
        if tx.amount == open_amount:
            outcome, applied = PAID, tx.amount
        elif tx.amount < open_amount:
            outcome, applied = PARTIAL, tx.amount
        else:
            outcome, applied = OVERPAID, open_amount
        remaining[reference] = open_amount - applied
        out.append(
            Match(
                tx.entry_ref,
                outcome,
                reference,
                invoice.id,
                applied=applied,
                excess=tx.amount - applied,
            )
        )
    return out
