"""The accounting export: the town's invoices, credit notes, cancellations and payments of a
period as journal bookings (debit account, credit account, amount), with the account codes of
BillingSettings: an invoice line debits receivables and credits the revenue account of its
item kind; a credit note the reverse; a cancellation reverses its invoice; a payment debits
the bank and credits receivables. CSV, UTF-8, safe to open in a spreadsheet (core.csvsafe)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import astuple, dataclass
from decimal import Decimal

from django.utils import timezone

from commune.billing.models import BillingSettings, Invoice, InvoiceLine, Payment
from commune.core.csvsafe import neutralise

#: Used for an item kind the town has not given an account code.
UNMAPPED = "?"
HEADER = (
    "date",
    "document",
    "booking",
    "debit_account",
    "credit_account",
    "amount",
    "currency",
    "text",
    "payment_reference",
    "source",
)


@dataclass(frozen=True)
class Booking:
    date: dt.date
    document: str
    booking: str  # invoice, credit_note, cancellation, payment
    debit_account: str
    credit_account: str
    amount: Decimal
    currency: str
    text: str
    payment_reference: str
    source: str


def _line_bookings(line: InvoiceLine, settings: BillingSettings, *, reverse: bool, kind: str, day):
    invoice = line.invoice
    revenue = (settings.revenue_accounts or {}).get(line.item_kind, UNMAPPED)
    debit, credit = settings.receivables_account, revenue
    if reverse:
        debit, credit = credit, debit
    return Booking(
        date=day,
        document=invoice.number,
        booking=kind,
        debit_account=debit,
        credit_account=credit,
        amount=line.amount,
        currency=invoice.currency,
        text=f"{line.label} — {invoice.debtor_name}",
        payment_reference=invoice.reference,
        source=invoice.source_label,
    )


def accounting_bookings(*, municipality, start: dt.date, end: dt.date) -> list[Booking]:
    """The bookings dated from `start` to `end` (both included), by date then document."""
    settings = BillingSettings.objects.get(municipality=municipality)
    out: list[Booking] = []
    lines = (
        InvoiceLine.objects.filter(municipality=municipality)
        .select_related("invoice")
        .order_by("invoice__issued_on", "invoice__number", "position")
    )
    for line in lines.filter(invoice__issued_on__range=(start, end)):
        credit_note = line.invoice.kind == Invoice.Kind.CREDIT_NOTE
        out.append(
            _line_bookings(
                line,
                settings,
                reverse=credit_note,
                kind="credit_note" if credit_note else "invoice",
                day=line.invoice.issued_on,
            )
        )
    for line in lines.filter(invoice__cancelled_at__isnull=False):
        day = timezone.localdate(line.invoice.cancelled_at)
        if start <= day <= end:
            reverse = line.invoice.kind != Invoice.Kind.CREDIT_NOTE
            out.append(
                _line_bookings(line, settings, reverse=reverse, kind="cancellation", day=day)
            )
    payments = Payment.objects.filter(
        municipality=municipality, booked_on__range=(start, end)
    ).select_related("invoice")
    for payment in payments:
        invoice = payment.invoice
        out.append(
            Booking(
                date=payment.booked_on,
                document=invoice.number,
                booking="payment",
                debit_account=settings.bank_account,
                credit_account=settings.receivables_account,
                amount=payment.amount,
                currency=invoice.currency,
                text=f"{payment.note or invoice.debtor_name}",
                payment_reference=invoice.reference,
                source=invoice.source_label,
            )
        )
    order = {"invoice": 0, "credit_note": 1, "cancellation": 2, "payment": 3}
    return sorted(out, key=lambda b: (b.date, order[b.booking], b.document))


def accounting_csv(*, municipality, start: dt.date, end: dt.date) -> bytes:
    """accounting_bookings() as CSV: amounts with a point and two decimals, text cells
    neutralised against spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for booking in accounting_bookings(municipality=municipality, start=start, end=end):
        row = astuple(booking)
        writer.writerow(
            [
                value.isoformat()
                if isinstance(value, dt.date)
                else f"{value:.2f}"
                if isinstance(value, Decimal)
                else neutralise(value)
                for value in row
            ]
        )
    return buffer.getvalue().encode("utf-8")
