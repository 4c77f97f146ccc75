"""The scheduler: each periodic job is enqueued once per interval, however many schedulers run
(one per worker, and a restarted worker's), because each run is claimed with a compare-and-set
on its ScheduledRun row. Jobs go to the database queue here, so the tests count them."""

import contextlib
import datetime as dt
import json
import logging
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from commune.core import schedule
from commune.core.models import ScheduledRun

from .jobs import record_run

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
#: Monday 4 May 2026, 09:00 Zurich.
T0 = dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC)
HEARTBEAT = "commune.core.tasks.heartbeat"


def queued() -> dict[str, int]:
    """How many times each job is waiting in the queue."""
    counts: dict[str, int] = {}
    for path in DBTaskResult.objects.values_list("task_path", flat=True):
        counts[path] = counts.get(path, 0) + 1
    return counts


def run_together(*schedulers, now: dt.datetime) -> list[list[str]]:
    """Run `enqueue_due(now=now)` in one thread per scheduler, each with its own database
    connection, held so that every scheduler has read a job's row before any claims it.

    The hold is Django's execute_wrapper on each thread's connection: a scheduler's UPDATE of
    a ScheduledRun row waits until the other has reached its own. The statements still run
    on the real database, in whatever order it serialises them."""
    both_read = threading.Barrier(len(schedulers), timeout=10)
    results: list[list[str] | BaseException] = [[] for _ in schedulers]

    def hold_claims(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and ScheduledRun._meta.db_table in sql:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait()
        return execute(sql, params, many, context)

    def scheduler(index: int) -> None:
        try:
            with connection.execute_wrapper(hold_claims):
                results[index] = schedule.enqueue_due(now=now)
        except BaseException as exc:  # re-raised in the test's thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(len(schedulers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


@override_settings(TASKS=DATABASE_TASKS)
def test_two_schedulers_at_the_same_instant_enqueue_each_due_job_once(transactional_db):
    # given every periodic job due (never run) and two schedulers that both read each job's
    # row before either writes it
    jobs = set(schedule.registered())
    assert HEARTBEAT in jobs and len(jobs) >= 3
    # when both enqueue what is due at the same instant
    first, second = run_together("worker 1", "worker 2", now=T0)
    # then each job was claimed by one scheduler only, and is queued once
    assert set(first).isdisjoint(second), (first, second)
    assert set(first) | set(second) == jobs
    assert queued() == dict.fromkeys(jobs, 1)
    # and a minute later, the heartbeat (every minute) is due again: queued once more
    again = run_together("worker 1", "worker 2", now=T0 + dt.timedelta(minutes=1))
    assert sorted(again[0] + again[1]) == [HEARTBEAT]
    assert queued()[HEARTBEAT] == 2


@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_is_due_once_its_interval_has_elapsed_and_not_a_microsecond_before(db):
    # given the heartbeat (every minute) enqueued at T0
    assert HEARTBEAT in schedule.enqueue_due(now=T0)
    # when schedulers look again within the minute, then at the minute
    within = schedule.enqueue_due(now=T0 + dt.timedelta(minutes=1, microseconds=-1))
    at_the_minute = schedule.enqueue_due(now=T0 + dt.timedelta(minutes=1))
    after_that = schedule.enqueue_due(now=T0 + dt.timedelta(minutes=1))
    # then it was due at the minute exactly, once
    assert HEARTBEAT not in within
    assert at_the_minute == [HEARTBEAT]
    assert after_that == []
    assert queued()[HEARTBEAT] == 2
    run = ScheduledRun.objects.get(name=HEARTBEAT)
    assert run.last_enqueued_at == T0 + dt.timedelta(minutes=1)


@override_settings(TASKS=DATABASE_TASKS)
def test_each_job_is_due_on_its_own_interval_whatever_the_others(db):
    jobs = schedule.registered()
    for name, (_task, interval) in jobs.items():
        # given every job run a second ago, except this one, run one interval ago
        for other in jobs:
            ScheduledRun.objects.update_or_create(
                name=other, defaults={"last_enqueued_at": T0 - dt.timedelta(seconds=1)}
            )
        ScheduledRun.objects.filter(name=name).update(last_enqueued_at=T0 - interval)
        # when / then: this job alone is enqueued, wherever it stands among the others
        assert schedule.enqueue_due(now=T0) == [name]
    assert queued() == dict.fromkeys(jobs, 1)


@override_settings(TASKS=DATABASE_TASKS)
def test_without_an_explicit_time_the_scheduler_reads_the_clock(db, time_machine):
    # given the clock at T0 (what the worker's scheduler thread sees)
    time_machine.move_to(T0, tick=False)
    # when it runs without `now`
    enqueued = schedule.enqueue_due()
    # then the run is stamped with the clock's time
    assert HEARTBEAT in enqueued
    assert ScheduledRun.objects.get(name=HEARTBEAT).last_enqueued_at == T0


@override_settings(TASKS=DATABASE_TASKS)
def test_each_enqueued_run_is_logged_with_the_jobs_name(db, caplog):
    with caplog.at_level(logging.INFO, logger="commune.schedule"):
        enqueued = schedule.enqueue_due(now=T0)
    logged = [r for r in caplog.records if r.name == "commune.schedule"]
    assert [r.getMessage() for r in logged] == ["periodic job enqueued"] * len(enqueued)
    assert [r.job for r in logged] == enqueued


@pytest.mark.parametrize("interval", [dt.timedelta(minutes=5), dt.timedelta(days=1)])
def test_every_registers_the_task_with_its_interval_and_returns_it(interval):
    try:
        # when a task is declared periodic
        returned = schedule.every(interval)(record_run)
        # then it is still the task, and the scheduler knows it with its interval
        assert returned is record_run
        assert schedule.registered()[record_run.module_path] == (record_run, interval)
    finally:
        schedule._registry.pop(record_run.module_path, None)


def test_a_freshly_started_process_knows_every_apps_periodic_jobs():
    # given a new process, as a worker that has just started: Django set up, no app's tasks
    # module imported by anyone yet
    script = (
        "import json, django; django.setup(); from commune.core import schedule; "
        "print(json.dumps(sorted(schedule.registered())))"
    )
    # when its scheduler asks which jobs are periodic
    fresh = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # then it finds those every app declares in its tasks.py, as this process (which imported
    # them all) does
    jobs = json.loads(fresh.stdout)
    assert {HEARTBEAT, "commune.permits.tasks.permit_clocks_tick"} <= set(jobs)
    assert jobs == sorted(schedule.registered())
