"""The suite's clock (commune/core/tests/clock.py) does what it says: under `--clock`, this
process and a real worker it starts both live at the instant given; without it, both at the
real time. A shifted run that silently stayed on today's date fails here."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from commune.core.models import WorkerHeartbeat
from commune.core.tasks import heartbeat

from .clock import parse_instant, session_instant
from .workers import output_of, start_worker, stop_worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
#: Both clocks tick at the real rate from the same offset: they agree to well within a second.
SLACK = dt.timedelta(seconds=1)


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_the_session_and_a_real_worker_run_at_the_instant_given(
    request, transactional_db, tmp_path
):
    # given: this test started at the session's instant (--clock), or at the real time
    started = timezone.now()
    instant = session_instant(request.config)
    if instant is None:
        assert not time_machine.escape_hatch.is_travelling()
    else:
        assert instant <= started < instant + dt.timedelta(minutes=1)
    # when: a real worker runs a job that writes the time it reads
    heartbeat.enqueue()
    worker = start_worker(tmp_path, "--no-scheduler", "--batch")
    try:
        worker.wait(timeout=60)
    finally:
        stop_worker(worker)
    finished = timezone.now()
    # then: the worker's clock is this test's
    seen = WorkerHeartbeat.objects.get(name="worker").seen_at
    assert started - SLACK <= seen <= finished + SLACK, output_of(worker)


def test_an_instant_without_its_offset_is_refused():
    # On the autumn switch day 02:30 happens twice in Zurich: a bare local time is ambiguous.
    with pytest.raises(pytest.UsageError, match="offset"):
        parse_instant("2027-10-31T02:30")
    assert parse_instant("2027-10-31T02:30+01:00") == dt.datetime(
        2027, 10, 31, 1, 30, tzinfo=dt.UTC
    )
