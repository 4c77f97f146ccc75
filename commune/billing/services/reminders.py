"""Reminders: every day, an invoice still owed N days (BillingSettings.reminder_after_days)
after its due date, or after its last reminder's new due date, gets the next reminder, up to
BillingSettings.reminders_max. The town's reminder fee is added to the invoice as a line
(item kind "reminder_fee", its own revenue account in the export) and recorded on the Reminder,
so the QR-bill of the reminder carries the whole amount owed and the payment of it matches
"paid". The debtor receives a mail with the invoice's PDF (tasks.py). A payment recorded
before the job runs stops it (the invoice is no longer awaiting money); run twice the same
day, the job sends nothing more (one reminder per invoice per day, one per level)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commune.billing import workflow
from commune.billing.models import BillingSettings, Invoice, InvoiceLine, Reminder
from commune.core import audit

from .payments import invoice_balance


def _next_due(invoice: Invoice, last: Reminder | None) -> dt.date:
    return last.due_on if last is not None else invoice.due_on


def reminder_is_due(
    *, invoice: Invoice, last: Reminder | None, settings: BillingSettings, today: dt.date
) -> bool:
    """The invoice awaits money, is owed something, was not reminded today, has reminders
    left, and its (new) due date is more than reminder_after_days past."""
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status not in workflow.AWAITING_PAYMENT:
        return False
    if last is not None and (last.sent_on >= today or last.level >= settings.reminders_max):
        return False
    if last is None and settings.reminders_max < 1:
        return False
    limit = _next_due(invoice, last) + dt.timedelta(days=settings.reminder_after_days)
    return today > limit and invoice_balance(invoice) > 0


@transaction.atomic
def reminder_send(
    *, invoice: Invoice, settings: BillingSettings, now: dt.datetime
) -> Reminder | None:
    """The next reminder of `invoice` if it is due today (else None): the fee as a line, the
    status "reminded"."""
    today = timezone.localdate(now)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    last = invoice.reminders.order_by("-level").first()
    if not reminder_is_due(invoice=invoice, last=last, settings=settings, today=today):
        return None
    level = (last.level if last else 0) + 1
    fee = settings.reminder_fee or Decimal("0")
    reminder = Reminder.objects.create(
        municipality=invoice.municipality,
        invoice=invoice,
        level=level,
        sent_on=today,
        fee=fee,
        due_on=today + dt.timedelta(days=settings.payment_term_days),
    )
    before = audit.snapshot(invoice, ["status", "total"])
    if fee > 0:
        position = (invoice.lines.aggregate(m=Max("position"))["m"] or 0) + 1
        with translation.override(invoice.debtor_language or "fr"):
            label = _("Reminder fee (reminder %(level)d)") % {"level": level}
        InvoiceLine.objects.create(
            municipality=invoice.municipality,
            invoice=invoice,
            position=position,
            label=label,
            quantity=Decimal("1"),
            unit_price=fee,
            amount=fee,
            item_kind="reminder_fee",
        )
        invoice.total += fee
    workflow.check(invoice.status, Invoice.Status.REMINDED)
    invoice.status = Invoice.Status.REMINDED
    invoice.save(update_fields=["status", "total", "updated_at"])
    audit.record(
        actor=None,
        obj=invoice,
        action="reminder_sent",
        before=before,
        after={"status": invoice.status, "total": invoice.total, "level": level, "fee": fee},
    )
    return reminder


def reminders_run(*, municipality, now: dt.datetime) -> list[Reminder]:
    """The day's reminders of the town (none when it has no billing settings). Their mails are
    sent by the job (tasks.py: billing_reminder_mail), which renders the PDF."""
    settings = BillingSettings.objects.filter(municipality=municipality).first()
    if settings is None:
        return []
    today = timezone.localdate(now)
    candidates = Invoice.objects.filter(
        municipality=municipality,
        kind=Invoice.Kind.INVOICE,
        status__in=workflow.AWAITING_PAYMENT,
        due_on__lt=today - dt.timedelta(days=settings.reminder_after_days),
    ).order_by("due_on", "pk")
    sent = (reminder_send(invoice=invoice, settings=settings, now=now) for invoice in candidates)
    return [reminder for reminder in sent if reminder is not None]
