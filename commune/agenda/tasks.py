"""The agenda's periodic job: offers of a freed place that were not confirmed in time go to
the next person waiting. Safe to run twice (an expired offer is no longer offered)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from commune.core.schedule import every
from commune.tenants import scoping
from commune.tenants.models import Module, Municipality

from .digest import digest_tick
from .services.registrations import registration_offers_expire


@every(dt.timedelta(minutes=15))
@task()
def agenda_offers_tick(*, now: str | None = None) -> int:
    """`now` (ISO 8601) replaces the clock, for tests and for replaying a missed run."""
    now = dt.datetime.fromisoformat(now) if now else timezone.now()
    expired = 0
    for town in Municipality.objects.filter(is_active=True):
        if not town.has_module(Module.AGENDA):
            continue
        with scoping.scope(town):
            expired += registration_offers_expire(municipality=town, now=now)
    return expired


@every(dt.timedelta(hours=1))
@task()
def agenda_digest_tick(*, now: str | None = None) -> int:
    """The weekly e-mail digest: from Monday 07:00 on, each subscriber who has not had this
    week's gets it (digest.py claims the week first, so a second run sends nothing)."""
    now = dt.datetime.fromisoformat(now) if now else timezone.now()
    return digest_tick(now=now)
