"""The town's billing settings, saved with an audit entry."""

from __future__ import annotations

from django.db import transaction

from commune.core import audit

FIELDS = [
    "creditor_name",
    "account_iban",
    "payment_term_days",
    "reminder_after_days",
    "reminder_fee",
    "reminders_max",
]


@transaction.atomic
def billing_configure(*, municipality, form, actor):
    """Save the validated settings form for `municipality` (one row per town)."""
    instance = form.instance
    before = audit.snapshot(instance, FIELDS) if instance.pk else {}
    instance.municipality = municipality
    saved = form.save()
    audit.record(
        actor=actor,
        obj=saved,
        action="billing_configured",
        before=before,
        after=audit.snapshot(saved, FIELDS),
    )
    return saved
