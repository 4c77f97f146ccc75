"""The suite's clock (commune/core/tests/clock.py) does what it says: under `--clock`, this
process and a real worker it starts both live at the instant given; without it, both at the
real time. A shifted run that silently stayed on today's date fails here."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from commune.core.models import WorkerHeartbeat
from commune.core.tasks import heartbeat

from .clock import item_instant, parse_instant
from .workers import output_of, start_worker, stop_worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
#: Both clocks tick at the real rate from the same offset: they agree to well within a second.
SLACK = dt.timedelta(seconds=1)


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_the_session_and_a_real_worker_run_at_the_instant_given(
    request, transactional_db, tmp_path
):
    # given: this test started at its instant (--clock), or at the real time
    started = timezone.now()
    instant = item_instant(request.node)
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


def test_several_instants_run_each_clock_test_once_at_each(tmp_path):
    # given: a test that reads the date (marked clock), one in a browser and one that does not,
    # each writing the time it starts at, in a session of their own with only the clock plugin
    (tmp_path / "test_dated.py").write_text(
        textwrap.dedent(
            """
            import datetime as dt
            from pathlib import Path

            import pytest

            def started(name):
                with (Path(__file__).parent / "started").open("a") as seen:
                    seen.write(f"{name} {dt.datetime.now(dt.UTC).isoformat()}\\n")

            @pytest.mark.clock
            def test_dated():
                started("dated")

            @pytest.mark.clock
            @pytest.mark.browser
            def test_in_a_browser():
                started("browser")

            def test_undated():
                started("undated")
            """
        )
    )
    instants = ["2027-03-28T03:30+02:00", "2027-10-31T02:30+01:00", "2028-02-29T12:00+01:00"]
    root = Path(__file__).resolve().parents[3]
    # when: the session is given three instants
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-p", "no:django"]
        + ["-p", "no:xdist", "-p", "no:cov", "-p", "commune.core.tests.clock"]
        + [f"--clock={instant}" for instant in instants]
        + [str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    starts = defaultdict(list)
    for line in (tmp_path / "started").read_text().splitlines():
        name, seen = line.split()
        starts[name].append(dt.datetime.fromisoformat(seen))

    def at(name) -> list[str]:
        """The instants given that `name` started at (within a minute after each)."""
        return [
            given
            for seen in starts[name]
            for given in instants
            if dt.timedelta(0) <= seen - parse_instant(given) < dt.timedelta(minutes=1)
        ]

    # then: the dated test ran once at each instant, named by it
    assert at("dated") == instants
    for instant in instants:
        assert f"test_dated[@{instant}] PASSED" in run.stdout
    # and the browser test at one of them, the test without a date once, at the first
    assert len(at("browser")) == 1
    assert at("undated") == instants[:1]
    assert "test_undated PASSED" in run.stdout
