"""Thin job wrappers: they take ids, enter the town's scope and call a service.
Safe to run twice (every step the services take is timestamped)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from commune.core.schedule import every
from commune.tenants import scoping
from commune.tenants.models import Municipality


@task()
def permit_notify(*, event: str, permit_id: int, task_id: int | None = None, **extra) -> int:
    from .models import PermitRequest, ReviewTask
    from .services.notify import send_event

    with scoping.scopes_disabled():
        town = PermitRequest.objects.select_related("municipality").get(pk=permit_id).municipality
    with scoping.scope(town):
        permit = PermitRequest.objects.select_related("applicant", "municipality").get(pk=permit_id)
        review = (
            ReviewTask.objects.select_related("department").get(pk=task_id) if task_id else None
        )
        context = {}
        if "other_permit_id" in extra:
            context["other"] = PermitRequest.objects.filter(pk=extra["other_permit_id"]).first()
        return send_event(event=event, permit=permit, task=review, extra=context)


@every(dt.timedelta(hours=1))
@task()
def permit_clocks_tick(*, now: str | None = None) -> dict[str, int]:
    """Review reminders, escalations and deemed opinions; overdue works; expiry reminders.
    `now` (ISO 8601) replaces the clock, for tests and for replaying a missed run."""
    from .services.review import review_clocks_run
    from .services.works import works_watch_run

    now = dt.datetime.fromisoformat(now) if now else timezone.now()
    totals: dict[str, int] = {}
    for town in Municipality.objects.filter(is_active=True):
        if not town.has_module("permits"):
            continue
        with scoping.scope(town):
            for key, value in {
                **review_clocks_run(municipality=town, now=now),
                **works_watch_run(municipality=town, now=now),
            }.items():
                totals[key] = totals.get(key, 0) + value
    return totals
