"""Billing's reads: always for one town (`municipality` first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum

from commune.billing import workflow
from commune.billing.models import BillingSettings, Deposit, Invoice, InvoiceLine


def billing_settings_find(*, municipality) -> BillingSettings | None:
    return BillingSettings.objects.filter(municipality=municipality).first()


def invoice_list(
    *,
    municipality,
    status: str = "",
    overdue_on: dt.date | None = None,
    source_kind: str = "",
    search: str = "",
) -> QuerySet[Invoice]:
    """The town's invoices and credit notes, newest first; `overdue_on` keeps those still
    awaiting money whose due date is before that day."""
    invoices = Invoice.objects.filter(municipality=municipality)
    if status:
        invoices = invoices.filter(status=status)
    if overdue_on is not None:
        invoices = invoices.filter(
            kind=Invoice.Kind.INVOICE,
            status__in=workflow.AWAITING_PAYMENT,
            due_on__lt=overdue_on,
        )
    if source_kind:
        invoices = invoices.filter(source_kind=source_kind)
    if search:
        invoices = (
            invoices.filter(number__icontains=search)
            | invoices.filter(source_label__icontains=search)
            | invoices.filter(debtor_name__icontains=search)
        )
    return invoices.order_by("-issued_on", "-sequence")


def invoices_for_source(*, municipality, source_kind: str, source_id: int) -> QuerySet[Invoice]:
    """What was billed for one record of a module (a permit…), oldest first."""
    return Invoice.objects.filter(
        municipality=municipality, source_kind=source_kind, source_id=source_id
    ).order_by("issued_on", "sequence")


def source_billed(
    *, municipality, source_kind: str, source_id: int, item_kinds: tuple[str, ...]
) -> Decimal:
    """The net amount billed for a source's items of these kinds: invoices (not cancelled)
    less credit notes."""
    lines = InvoiceLine.objects.filter(
        invoice__municipality=municipality,
        invoice__source_kind=source_kind,
        invoice__source_id=source_id,
        item_kind__in=item_kinds,
    ).exclude(invoice__status=Invoice.Status.CANCELLED)
    billed = lines.filter(invoice__kind=Invoice.Kind.INVOICE).aggregate(s=Sum("amount"))["s"]
    credited = lines.filter(invoice__kind=Invoice.Kind.CREDIT_NOTE).aggregate(s=Sum("amount"))["s"]
    return (billed or Decimal("0")) - (credited or Decimal("0"))


def deposit_for_source(*, municipality, source_kind: str, source_id: int) -> Deposit | None:
    return Deposit.objects.filter(
        municipality=municipality, source_kind=source_kind, source_id=source_id
    ).first()
