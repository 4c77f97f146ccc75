"""Credit notes: what the town takes off an invoice it issued, never a silent change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from commune.billing import workflow
from commune.billing.models import Invoice
from commune.core import audit

from .debtors import Debtor
from .invoices import BillingError, Line, credited_total, invoice_issue


def _debtor_of(invoice: Invoice) -> Debtor:
    return Debtor(
        name=invoice.debtor_name,
        street=invoice.debtor_street,
        building_number=invoice.debtor_building_number,
        postcode=invoice.debtor_postcode,
        town=invoice.debtor_town,
        country=invoice.debtor_country,
        email=invoice.debtor_email,
        language=invoice.debtor_language,
    )


@transaction.atomic
def credit_note_issue(
    *,
    original: Invoice,
    lines: list[Line],
    reason: str,
    issued_on: dt.date,
    actor=None,
    purpose: str | None = None,
) -> Invoice:
    """A credit note on `original` for `lines` (positive amounts, taken off the original).
    Unpaid, the original owes less (cancelled when nothing is left); already paid, the credit
    note stays open until the town refunds it."""
    original = Invoice.objects.select_for_update().get(pk=original.pk)
    if original.kind != Invoice.Kind.INVOICE or original.status == Invoice.Status.CANCELLED:
        raise BillingError(_("Only an invoice still standing can be credited."))
    amount = sum((line.total for line in lines), Decimal("0"))
    already = credited_total(original)
    if amount <= 0 or already + amount > original.total:
        raise BillingError(_("A credit note takes off at most what the invoice still bills."))
    note = invoice_issue(
        municipality=original.municipality,
        source_kind=original.source_kind,
        source_id=original.source_id,
        source_label=original.source_label,
        purpose=purpose or f"credit-{original.number}-{already + amount}",
        debtor=_debtor_of(original),
        lines=lines,
        issued_on=issued_on,
        actor=actor,
        kind=Invoice.Kind.CREDIT_NOTE,
        corrects=original,
    )
    credited = credited_total(original)
    owed_before_credit = original.total - already
    offset = min(amount, max(owed_before_credit - original.amount_paid, Decimal("0")))
    # The part of the credit the original still owed is settled at once; the rest is refunded.
    note.amount_paid = offset
    note.status = Invoice.Status.PAID if offset >= amount else Invoice.Status.PARTLY_PAID
    if offset == 0:
        note.status = Invoice.Status.OPEN
    note.save(update_fields=["amount_paid", "status", "updated_at"])
    before = audit.snapshot(original, ["status"])
    if credited >= original.total and original.amount_paid == 0:
        original.status = Invoice.Status.CANCELLED
        original.cancelled_reason = reason
    else:
        original.status = workflow.status_after_payment(
            status=original.status,
            total=original.total,
            amount_paid=original.amount_paid,
            credited=credited,
        )
    original.save(update_fields=["status", "cancelled_reason", "updated_at"])
    audit.record(
        actor=actor,
        obj=original,
        action="invoice_credited",
        before=before,
        after={"status": original.status, "credit_note": note.number, "amount": amount},
        comment=reason,
    )
    return note


@transaction.atomic
def credit_note_refunded(*, note: Invoice, refunded_on: dt.date, actor) -> Invoice:
    """Finance paid back what a credit note owed the debtor."""
    note = Invoice.objects.select_for_update().get(pk=note.pk)
    if note.kind != Invoice.Kind.CREDIT_NOTE:
        raise BillingError(_("Only a credit note is refunded."))
    if note.status == Invoice.Status.REFUNDED:
        return note
    before = audit.snapshot(note, ["status", "amount_paid"])
    note.status = Invoice.Status.REFUNDED
    note.amount_paid = note.total
    note.save(update_fields=["status", "amount_paid", "updated_at"])
    audit.record(
        actor=actor,
        obj=note,
        action="credit_note_refunded",
        before=before,
        after={"status": note.status, "refunded_on": refunded_on},
    )
    return note
