"""Issue invoices and credit notes, cancel an invoice: numbered per town and year, with the
payment reference the town's account calls for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from commune.billing import workflow
from commune.billing.models import BillingSettings, Invoice, InvoiceLine
from commune.billing.references import reference_for
from commune.core import audit

from .debtors import Debtor

CENT = Decimal("0.01")


class BillingError(ValueError):
    """A billing action refused, with a sentence for the person who asked."""


@dataclass(frozen=True)
class Line:
    """One line to bill: `amount` is quantity × unit price unless given (rounded already)."""

    label: str
    unit_price: Decimal
    item_kind: str
    quantity: Decimal = Decimal("1")
    amount: Decimal | None = None

    @property
    def total(self) -> Decimal:
        value = self.amount if self.amount is not None else self.quantity * self.unit_price
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def billing_settings(*, municipality) -> BillingSettings:
    """The town's billing settings; a town that bills before setting them cannot issue."""
    found = BillingSettings.objects.filter(municipality=municipality).first()
    if found is None:
        raise BillingError(_("The town has not set its creditor details and account yet."))
    return found


def _next_sequence(*, municipality, year: int) -> int:
    top = Invoice.objects.filter(municipality=municipality, year=year).aggregate(m=Max("sequence"))
    return (top["m"] or 0) + 1


def credited_total(invoice: Invoice) -> Decimal:
    """What the credit notes issued on `invoice` (and not cancelled) take off it."""
    value = (
        invoice.corrections.filter(kind=Invoice.Kind.CREDIT_NOTE)
        .exclude(status=Invoice.Status.CANCELLED)
        .aggregate(s=Sum("total"))["s"]
    )
    return value or Decimal("0")


def invoice_issue(
    *,
    municipality,
    source_kind: str,
    source_id: int | None,
    source_label: str,
    purpose: str,
    debtor: Debtor,
    lines: list[Line],
    issued_on: dt.date,
    actor=None,
    kind: str = Invoice.Kind.INVOICE,
    corrects: Invoice | None = None,
) -> Invoice:
    """Issue an invoice (or credit note) for a source and a purpose; once per source and
    purpose: asked again, it returns the invoice already issued and issues nothing."""
    if source_id is not None:
        existing = Invoice.objects.filter(
            municipality=municipality,
            source_kind=source_kind,
            source_id=source_id,
            purpose=purpose,
        ).first()
        if existing is not None:
            return existing
    if not lines:
        raise BillingError(_("An invoice needs at least one line."))
    total = sum((line.total for line in lines), Decimal("0"))
    if total < 0:
        raise BillingError(_("An invoice cannot have a negative total."))
    settings = billing_settings(municipality=municipality)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _create(
                    municipality=municipality,
                    settings=settings,
                    source=(source_kind, source_id, source_label, purpose),
                    debtor=debtor,
                    lines=lines,
                    total=total,
                    issued_on=issued_on,
                    actor=actor,
                    kind=kind,
                    corrects=corrects,
                )
        except IntegrityError:
            # Another issue took the number, or the same source and purpose just now.
            if source_id is not None:
                existing = Invoice.objects.filter(
                    municipality=municipality,
                    source_kind=source_kind,
                    source_id=source_id,
                    purpose=purpose,
                ).first()
                if existing is not None:
                    return existing
    raise BillingError(_("The invoice could not be numbered; try again."))


def _create(
    *, municipality, settings, source, debtor, lines, total, issued_on, actor, kind, corrects
) -> Invoice:
    source_kind, source_id, source_label, purpose = source
    year = issued_on.year
    sequence = _next_sequence(municipality=municipality, year=year)
    prefix = "NC" if kind == Invoice.Kind.CREDIT_NOTE else "F"
    invoice = Invoice.objects.create(
        municipality=municipality,
        number=f"{prefix}-{year}-{sequence:05d}",
        year=year,
        sequence=sequence,
        kind=kind,
        corrects=corrects,
        source_kind=source_kind,
        source_id=source_id,
        source_label=source_label,
        purpose=purpose,
        debtor_name=debtor.name,
        debtor_street=debtor.street,
        debtor_building_number=debtor.building_number,
        debtor_postcode=debtor.postcode,
        debtor_town=debtor.town,
        debtor_country=debtor.country or "CH",
        debtor_email=debtor.email,
        debtor_language=debtor.language or "fr",
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=settings.payment_term_days),
        total=total,
        reference=reference_for(year=year, sequence=sequence, qr_iban=settings.uses_qr_reference),
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            municipality=municipality,
            invoice=invoice,
            position=position,
            label=line.label[:200],
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.total,
            item_kind=line.item_kind,
        )
        for position, line in enumerate(lines, start=1)
    )
    audit.record(
        actor=actor,
        obj=invoice,
        action="credit_note_issued" if kind == Invoice.Kind.CREDIT_NOTE else "invoice_issued",
        after={"total": total, "source": source_label, "purpose": purpose},
    )
    return invoice


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, reason: str, actor, now: dt.datetime) -> Invoice:
    """Cancel an invoice nothing was paid on, with a reason (a paid one takes a credit note)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.CANCELLED:
        return invoice
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(_("Say why the invoice is cancelled."))
    if not workflow.can_cancel(status=invoice.status, amount_paid=invoice.amount_paid):
        raise BillingError(
            _("A payment was received on this invoice: issue a credit note instead.")
        )
    before = audit.snapshot(invoice, ["status"])
    invoice.status = Invoice.Status.CANCELLED
    invoice.cancelled_reason = reason
    invoice.cancelled_at = now
    invoice.save(update_fields=["status", "cancelled_reason", "cancelled_at", "updated_at"])
    audit.record(
        actor=actor,
        obj=invoice,
        action="invoice_cancelled",
        before=before,
        after={"status": invoice.status},
        comment=reason,
    )
    return invoice
