"""Periodic jobs: each is a task plus an interval; the scheduler enqueues the ones that are due.

The last enqueue time is a row per job, claimed with a compare-and-set update, so two
schedulers (or a restart) never enqueue the same run twice. Apps declare their periodic jobs in
their tasks.py with `@every(...)` above `@task`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import ScheduledRun

logger = logging.getLogger("commune.schedule")

_registry: dict[str, tuple[object, dt.timedelta]] = {}
_at_start: list = []


def every(interval: dt.timedelta):
    def register(task):
        _registry[task.module_path] = (task, interval)
        return task

    return register


def at_start(function):
    """Run `function` (no arguments) once when a worker starts, before it takes jobs: e.g.
    finding the jobs a worker that died left running (mobility)."""
    _at_start.append(function)
    return function


def run_start_hooks() -> None:
    """Every app's @at_start functions (declared in its tasks.py); one that fails is logged."""
    autodiscover_modules("tasks")
    for function in _at_start:
        try:
            function()
        except Exception:
            logger.exception("worker start hook failed", extra={"hook": function.__name__})


def registered() -> dict[str, tuple[object, dt.timedelta]]:
    autodiscover_modules("tasks")
    return dict(_registry)


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has elapsed; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for name, (task, interval) in registered().items():
        run, _ = ScheduledRun.objects.get_or_create(name=name)
        last = run.last_enqueued_at
        if last is not None and now - last < interval:
            continue
        claimed = ScheduledRun.objects.filter(pk=run.pk, last_enqueued_at=last).update(
            last_enqueued_at=now
        )
        if claimed:
            task.enqueue()
            enqueued.append(name)
            logger.info("periodic job enqueued", extra={"job": name})
    return enqueued
