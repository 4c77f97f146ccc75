"""Imports left "running" by a process that died (kill -9, out of memory, a restart): found at
worker start and every few minutes, their town's warehouse put back as it was before them
(analytics.store.recover), and failed with a reason the import page shows.

While an import runs, its process records itself ("host:pid") and a thread refreshes
`heartbeat_at` every HEARTBEAT_SECONDS. A job is interrupted when its process on this host is
gone (seen at once, at worker start), or when its heartbeat is older than STALE (another host,
or a frozen process). docs/decisions/0014-all-or-nothing-imports.md."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db.models import Q
from django.utils import translation

from commune.tenants.scoping import scopes_disabled

from .. import warehouse
from ..models import DataImport
from .heartbeat import HEARTBEAT_SECONDS
from .imports import _finish_failed

Status = DataImport.Status
#: Ten missed heartbeats: a live import beats every HEARTBEAT_SECONDS, even while it reads a
#: large file.
STALE = dt.timedelta(seconds=10 * HEARTBEAT_SECONDS)


def _process_gone(worker: str) -> bool:
    """True when `worker` ("host:pid") names a process of this host that no longer runs."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def imports_recover(*, now: dt.datetime) -> list[DataImport]:
    """Fail every running import whose process died (on this host) or whose heartbeat is older
    than STALE at `now`, after putting its town's warehouse back as it was; returns them."""
    with scopes_disabled():
        running = DataImport.objects.filter(status=Status.RUNNING).select_related("municipality")
        stale = Q(heartbeat_at__lt=now - STALE) | Q(heartbeat_at=None, started_at__lt=now - STALE)
        candidates = [
            job for job in running if job in running.filter(stale) or _process_gone(job.worker)
        ]
        failed = []
        for job in candidates:
            warehouse.warehouse_recover(municipality_id=job.municipality_id)
            claimed = DataImport.objects.filter(pk=job.pk, status=Status.RUNNING).update(
                status=Status.FAILED
            )
            if not claimed:  # it finished meanwhile
                continue
            job.status = Status.RUNNING
            with translation.override(job.municipality.default_language):
                failed.append(_finish_failed(job, "import.interrupted", progress=job.progress))
        return failed
