"""Billing's periodic jobs: thin wrappers that enter each town's scope and call a service.
Safe to run twice: a bank file is imported once (services/bank.py), a reminder level is sent
once per invoice (services/reminders.py)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from commune.core.schedule import every
from commune.tenants import scoping
from commune.tenants.models import Module, Municipality

from .mails import invoice_mail_send
from .models import Reminder
from .services.bank import bank_inbox_run
from .services.reminders import reminders_run

logger = logging.getLogger("commune.billing")


def _each_town(run, now: dt.datetime) -> dict[str, int]:
    totals: dict[str, int] = {}
    for town in Municipality.objects.filter(is_active=True).order_by("pk"):
        if not town.has_module(Module.BILLING):
            continue
        with scoping.scope(town):
            for key, value in run(municipality=town, now=now).items():
                totals[key] = totals.get(key, 0) + value
    return totals


@every(dt.timedelta(minutes=10))
@task()
def billing_inbox_poll(*, now: str | None = None) -> dict[str, int]:
    """Import the bank files dropped in each town's inbox folder (BILLING_INBOX_DIR).
    `now` (ISO 8601) replaces the clock, for tests and for replaying a missed run."""
    return _each_town(bank_inbox_run, dt.datetime.fromisoformat(now) if now else timezone.now())


@every(dt.timedelta(hours=1))
@task()
def billing_reminders_run(*, now: str | None = None) -> dict[str, int]:
    """The day's reminders of each town. Hourly, so that a missed run is caught up the same
    day; a reminder goes out once per invoice and day (services/reminders.py)."""
    return _each_town(_remind, dt.datetime.fromisoformat(now) if now else timezone.now())


def _remind(*, municipality, now: dt.datetime) -> dict[str, int]:
    sent = reminders_run(municipality=municipality, now=now)
    for reminder in sent:
        if reminder.invoice.debtor_email:
            transaction.on_commit(
                lambda pk=reminder.pk: billing_reminder_mail.enqueue(reminder_id=pk)
            )
    return {"reminders_sent": len(sent)}


@task()
def billing_reminder_mail(*, reminder_id: int) -> int:
    """The reminder's mail to the debtor, the invoice's PDF (with its QR-bill) attached."""
    with scoping.scopes_disabled():
        town = Reminder.objects.select_related("municipality").get(pk=reminder_id).municipality
    with scoping.scope(town):
        reminder = Reminder.objects.select_related("invoice__municipality").get(pk=reminder_id)
        sent = invoice_mail_send(
            invoice=reminder.invoice, template="billing_reminder", context={"reminder": reminder}
        )
    logger.info("reminder mail sent", extra={"reminder": reminder_id, "sent": sent})
    return sent
