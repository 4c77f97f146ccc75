"""Reminders: every day, an invoice still owed N days (BillingSettings.reminder_after_days)
after its due date, or after its last reminder's new due date, gets the next reminder, up to
BillingSettings.reminders_max. The town's reminder fee is added to the invoice as a line
(item kind "reminder_fee", its own revenue account in the export) and recorded on the Reminder,
so the QR-bill of the reminder carries the whole amount owed and the payment of it matches
"paid". The debtor receives the mail with the invoice's PDF. A payment recorded before the job
runs stops it (the invoice is no longer awaiting money); run twice the same day, the job sends
nothing more (one reminder per invoice per day, one per level)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from commune.billing import workflow
from commune.billing.models import BillingSettings, Invoice, InvoiceLine, Reminder
from commune.billing.pdf import invoice_pdf
from commune.core import audit
from commune.core.mail import mail_send
from commune.tenants import scoping

from .payments import invoice_balance

logger = logging.getLogger("commune.billing")


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
    status "reminded", the mail sent once the transaction is committed."""
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
    if invoice.debtor_email:
        transaction.on_commit(lambda: billing_reminder_mail.enqueue(reminder_id=reminder.pk))
    return reminder


def reminders_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """The day's reminders of the town (nothing when it has no billing settings)."""
    settings = BillingSettings.objects.filter(municipality=municipality).first()
    if settings is None:
        return {"reminders_sent": 0}
    today = timezone.localdate(now)
    candidates = Invoice.objects.filter(
        municipality=municipality,
        kind=Invoice.Kind.INVOICE,
        status__in=workflow.AWAITING_PAYMENT,
        due_on__lt=today - dt.timedelta(days=settings.reminder_after_days),
    ).order_by("due_on", "pk")
    sent = sum(
        reminder_send(invoice=invoice, settings=settings, now=now) is not None
        for invoice in candidates
    )
    return {"reminders_sent": sent}


@task()
def billing_reminder_mail(*, reminder_id: int) -> int:
    """The reminder's mail to the debtor, the invoice's PDF (with its QR-bill) attached."""
    with scoping.scopes_disabled():
        town = Reminder.objects.select_related("municipality").get(pk=reminder_id).municipality
    with scoping.scope(town):
        reminder = Reminder.objects.select_related("invoice").get(pk=reminder_id)
        invoice = reminder.invoice
        settings = BillingSettings.objects.get(municipality=town)
        language = invoice.debtor_language or town.default_language
        pdf = invoice_pdf(invoice=invoice, settings=settings, language=language)
        sent = mail_send(
            to=invoice.debtor_email,
            template="billing_reminder",
            context={
                "reminder": reminder,
                "invoice": invoice,
                "town": town,
                "settings": settings,
                "balance": invoice_balance(invoice),
            },
            language=language,
            attachments=[(f"{invoice.number}.pdf", pdf, "application/pdf")],
        )
    logger.info("reminder mail sent", extra={"reminder": reminder_id, "sent": sent})
    return sent
