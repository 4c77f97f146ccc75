"""Money received: from a bank file's entry (services/bank.py) or recorded by finance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from commune.billing import workflow
from commune.billing.models import Invoice, Payment
from commune.core import audit

from .invoices import BillingError, credited_total


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    booked_on: dt.date,
    value_date: dt.date | None = None,
    bank_entry=None,
    actor=None,
    note: str = "",
    submission_key=None,
) -> Payment:
    """Record `amount` received for `invoice`; the invoice becomes partly paid or paid (and
    its reminders stop). A bank entry pays once: recorded again, its payment is returned."""
    if bank_entry is not None:
        existing = Payment.objects.filter(bank_entry=bank_entry).first()
        if existing is not None:
            return existing
    if submission_key is not None:
        existing = Payment.objects.filter(
            municipality=invoice.municipality, submission_key=submission_key
        ).first()
        if existing is not None:
            return existing
    amount = Decimal(amount)
    if amount <= 0:
        raise BillingError(_("A payment is a positive amount."))
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status == Invoice.Status.CANCELLED:
        raise BillingError(_("This invoice takes no payment (cancelled, or a credit note)."))
    payment = Payment.objects.create(
        municipality=invoice.municipality,
        invoice=invoice,
        amount=amount,
        booked_on=booked_on,
        value_date=value_date,
        bank_entry=bank_entry,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        submission_key=submission_key,
    )
    before = audit.snapshot(invoice, ["status", "amount_paid"])
    invoice.amount_paid += amount
    invoice.status = workflow.status_after_payment(
        status=invoice.status,
        total=invoice.total,
        amount_paid=invoice.amount_paid,
        credited=credited_total(invoice),
    )
    invoice.save(update_fields=["amount_paid", "status", "updated_at"])
    audit.record(
        actor=actor,
        obj=invoice,
        action="payment_recorded",
        before=before,
        after={"status": invoice.status, "amount_paid": invoice.amount_paid, "amount": amount},
        comment=note,
    )
    return payment


def invoice_balance(invoice: Invoice) -> Decimal:
    """What the debtor still owes on `invoice` (negative: overpaid)."""
    return workflow.balance(
        total=invoice.total, amount_paid=invoice.amount_paid, credited=credited_total(invoice)
    )
