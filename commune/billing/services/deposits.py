"""Deposits: held at the grant, proposed for refund when the guarantee period ends without
defects, then refunded or retained by finance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.billing.models import Deposit, Invoice
from commune.core import audit

from .invoices import BillingError


@transaction.atomic
def deposit_hold(
    *,
    municipality,
    source_kind: str,
    source_id: int,
    source_label: str,
    amount: Decimal,
    held_since: dt.date,
    invoice: Invoice | None = None,
    beneficiary_name: str = "",
    actor=None,
) -> Deposit:
    """Hold a deposit for a source; once per source (asked again, the same deposit)."""
    deposit, created = Deposit.objects.get_or_create(
        municipality=municipality,
        source_kind=source_kind,
        source_id=source_id,
        defaults={
            "source_label": source_label,
            "amount": amount,
            "held_since": held_since,
            "invoice": invoice,
            "beneficiary_name": beneficiary_name[:70],
        },
    )
    if created:
        audit.record(actor=actor, obj=deposit, action="deposit_held", after={"amount": amount})
    return deposit


@transaction.atomic
def deposit_refund_propose(
    *, municipality, source_kind: str, source_id: int, reason: str, now: dt.datetime
) -> Deposit | None:
    """The guarantee period ended without defects: the held deposit goes on finance's refund
    list. None when the source has no deposit; a deposit already proposed, refunded or
    retained is left as it is."""
    deposit = (
        Deposit.objects.select_for_update()
        .filter(municipality=municipality, source_kind=source_kind, source_id=source_id)
        .first()
    )
    if deposit is None or deposit.status != Deposit.Status.HELD:
        return deposit
    deposit.status = Deposit.Status.REFUND_PROPOSED
    deposit.refund_proposed_on = timezone.localdate(now)
    deposit.note = reason
    deposit.save(update_fields=["status", "refund_proposed_on", "note", "updated_at"])
    audit.record(
        actor=None,
        obj=deposit,
        action="deposit_refund_proposed",
        before={"status": Deposit.Status.HELD},
        after={"status": deposit.status},
        comment=reason,
    )
    return deposit


@transaction.atomic
def deposit_refund_done(
    *, deposit: Deposit, refunded_on: dt.date, actor, beneficiary_iban: str = ""
) -> Deposit:
    """Finance paid the deposit back."""
    deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
    if deposit.status == Deposit.Status.REFUNDED:
        return deposit
    if deposit.status not in (Deposit.Status.HELD, Deposit.Status.REFUND_PROPOSED):
        raise BillingError(_("This deposit was retained; it cannot be refunded."))
    before = audit.snapshot(deposit, ["status"])
    deposit.status = Deposit.Status.REFUNDED
    deposit.refunded_on = refunded_on
    if beneficiary_iban:
        deposit.beneficiary_iban = beneficiary_iban
    deposit.save(update_fields=["status", "refunded_on", "beneficiary_iban", "updated_at"])
    audit.record(
        actor=actor,
        obj=deposit,
        action="deposit_refunded",
        before=before,
        after={"status": deposit.status},
    )
    return deposit


@transaction.atomic
def deposit_retain(*, deposit: Deposit, reason: str, actor) -> Deposit:
    """The town keeps the deposit (defects it repaired itself), with a reason."""
    deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(_("Say why the deposit is retained."))
    if deposit.status not in (Deposit.Status.HELD, Deposit.Status.REFUND_PROPOSED):
        raise BillingError(_("This deposit was already refunded or retained."))
    before = audit.snapshot(deposit, ["status"])
    deposit.status = Deposit.Status.RETAINED
    deposit.note = reason
    deposit.save(update_fields=["status", "note", "updated_at"])
    audit.record(
        actor=actor,
        obj=deposit,
        action="deposit_retained",
        before=before,
        after={"status": deposit.status},
        comment=reason,
    )
    return deposit
