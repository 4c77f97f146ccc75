"""The permits' periodic jobs: thin wrappers that enter each town's scope and call a service.
Safe to run twice (every step the services take is timestamped). The job a service enqueues
is declared beside it (services/notify.py: permit_notify)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from commune.core.schedule import every
from commune.tenants import scoping
from commune.tenants.models import Municipality

from .services.attachments import pending_uploads_purge
from .services.emergency import emergency_watch_run
from .services.inspection import guarantee_watch_run, repairs_watch_run
from .services.review import review_clocks_run
from .services.works import works_watch_run


@every(dt.timedelta(hours=1))
@task()
def permit_clocks_tick(*, now: str | None = None) -> dict[str, int]:
    """Review reminders, escalations and deemed opinions; overdue works; expiry reminders;
    emergencies to regularise; repair deadlines; guarantee periods ended (deposit refunds).
    `now` (ISO 8601) replaces the clock, for tests and for replaying a missed run."""
    now = dt.datetime.fromisoformat(now) if now else timezone.now()
    totals: dict[str, int] = {}
    for town in Municipality.objects.filter(is_active=True):
        if not town.has_module("permits"):
            continue
        with scoping.scope(town):
            for key, value in {
                **review_clocks_run(municipality=town, now=now),
                **works_watch_run(municipality=town, now=now),
                **emergency_watch_run(municipality=town, now=now),
                **repairs_watch_run(municipality=town, now=now),
                **guarantee_watch_run(municipality=town, now=now),
            }.items():
                totals[key] = totals.get(key, 0) + value
    return totals


@every(dt.timedelta(hours=1))
@task()
def pending_uploads_purge_run(*, now: str | None = None) -> dict[str, int]:
    """Files sent with request forms never saved, deleted a day later (services/attachments:
    PENDING_UPLOAD_HOURS). `now` (ISO 8601) replaces the clock."""
    now = dt.datetime.fromisoformat(now) if now else timezone.now()
    deleted = 0
    for town in Municipality.objects.filter(is_active=True):
        with scoping.scope(town):
            deleted += pending_uploads_purge(municipality=town, now=now)
    return {"pending_uploads_deleted": deleted}
