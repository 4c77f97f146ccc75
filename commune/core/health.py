"""Health, in two answers that must not be confused. Readiness: can this web server serve
(its database answers, its disk has room)? The load balancer asks it, so it never depends on
the worker: a worker down, or not started yet, must not take every web server out. The
worker's health: was a worker seen lately (it beats as it starts, then the heartbeat job, run
through the queue every minute, proves scheduler → queue → worker)? Monitoring asks that."""

from __future__ import annotations

import datetime as dt
import shutil

from django.conf import settings
from django.db import Error, connection  # every database error: OperationalError, InterfaceError…
from django.utils import timezone

from .models import WorkerHeartbeat

Checks = dict[str, dict]


def readiness() -> Checks:
    """The checks of this web server; it is ready when every one is ok."""
    return {"database": _database(), "disk": _disk()}


def worker_health(*, now: dt.datetime | None = None) -> Checks:
    """The worker's check: alive when its last beat is at most HEALTH_WORKER_MAX_AGE_SECONDS
    old."""
    now = now or timezone.now()
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Error:
        return {"worker": {"ok": False, "error": "database unreachable"}}
    if beat is None:
        return {"worker": {"ok": False, "error": "never seen"}}
    age = (now - beat.seen_at).total_seconds()
    alive = age <= settings.HEALTH_WORKER_MAX_AGE_SECONDS
    return {"worker": {"ok": alive, "last_beat_seconds_ago": round(age)}}


def worker_beat(*, now: dt.datetime | None = None) -> WorkerHeartbeat:
    """Record that a worker is alive now."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name="worker", defaults={"seen_at": now or timezone.now()}
    )
    return beat


def all_ok(checks: Checks) -> bool:
    return all(check["ok"] for check in checks.values())


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _disk() -> dict:
    """Room for uploads where they are stored."""
    try:
        settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(settings.MEDIA_ROOT).free
    except OSError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": free >= settings.HEALTH_MIN_FREE_DISK_BYTES, "free_bytes": free}
