"""Background jobs for real: the database backend with the real worker process, the
scheduler, and the Redis (RQ) backend with a real RQ worker."""

import datetime as dt
import uuid

import pytest
import redis
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from commune.core import schedule
from commune.core.models import ScheduledRun
from commune.core.tasks import heartbeat

from .jobs import record_run
from .workers import output_of, start_worker, stop_worker, wait_until

# The database worker's tests read the date or the hour: ./test runs them again under shifted
# clocks (docs/testing.md). Not the Redis backend's: a worker a year ahead of the Redis server it
# queues in (libfaketime moves the worker, not the server) is a skew no installation has, and
# its RQ worker then waits out its timeout.

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def runs_in(path) -> list[str]:
    return [line.split()[0] for line in path.read_text().splitlines()] if path.exists() else []


def status_of(result) -> str:
    return DBTaskResult.objects.get(id=result.id).status


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_enqueued_with_no_worker_is_stored_and_waits(db, tmp_path):
    # when
    result = record_run.enqueue(path=str(tmp_path / "runs.txt"), token="waiting")
    # then it is a row in the database, ready, and nothing ran
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "commune.core.tests.jobs.record_run"
    assert not (tmp_path / "runs.txt").exists()


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_jobs_survive_a_worker_restart_and_run_exactly_once(transactional_db, tmp_path):
    runs = tmp_path / "runs.txt"
    # given a job enqueued while no worker runs
    first = record_run.enqueue(path=str(runs), token="first")
    assert status_of(first) == TaskResultStatus.READY
    # when a worker starts, it runs it
    worker = start_worker(tmp_path, "--no-scheduler")
    try:
        wait_until(
            lambda: status_of(first) == TaskResultStatus.SUCCESSFUL,
            what="first job",
            workers=(worker,),
        )
    finally:
        stop_worker(worker)
    assert runs_in(runs) == ["first"], output_of(worker)
    # given another job enqueued while the worker is down
    second = record_run.enqueue(path=str(runs), token="second")
    assert status_of(second) == TaskResultStatus.READY
    # when a new worker starts
    restarted = start_worker(tmp_path, "--no-scheduler")
    try:
        wait_until(
            lambda: status_of(second) == TaskResultStatus.SUCCESSFUL,
            what="second job",
            workers=(restarted,),
        )
    finally:
        stop_worker(restarted)
    # then each job ran once, each in its own worker
    assert runs_in(runs) == ["first", "second"], output_of(restarted)
    rows = {r.args_kwargs["kwargs"]["token"]: r for r in DBTaskResult.objects.all()}
    assert rows["first"].worker_ids != rows["second"].worker_ids


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_two_workers_share_a_queue_without_running_a_job_twice(transactional_db, tmp_path):
    # given twenty waiting jobs
    runs = tmp_path / "runs.txt"
    results = [record_run.enqueue(path=str(runs), token=f"job{n}") for n in range(20)]
    # when two workers run at the same time
    workers = [start_worker(tmp_path, "--no-scheduler") for _ in range(2)]
    try:
        wait_until(
            lambda: DBTaskResult.objects.successful().count() == len(results),
            timeout=60,
            what="every job to finish",
            workers=tuple(workers),
        )
    finally:
        for worker in workers:
            stop_worker(worker)
    # then every job ran exactly once
    assert sorted(runs_in(runs)) == sorted(f"job{n}" for n in range(20))


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_runs_the_scheduler_so_healthz_worker_sees_a_live_worker(
    transactional_db, tmp_path, client
):
    # given no worker was ever seen
    assert client.get("/healthz/worker").status_code == 503
    heartbeats_run = DBTaskResult.objects.filter(
        task_path="commune.core.tasks.heartbeat", status=TaskResultStatus.SUCCESSFUL
    )
    # when the real worker runs with its scheduler
    worker = start_worker(tmp_path, "--tick", "0.5")
    try:
        wait_until(
            heartbeats_run.exists,
            what="the heartbeat job, enqueued by the scheduler and run by the worker",
            workers=(worker,),
        )
    finally:
        stop_worker(worker)
    # then the heartbeat went through the queue, and /healthz/worker reports the worker alive
    response = client.get("/healthz/worker")
    assert response.status_code == 200, (response.json(), output_of(worker))
    assert response.json()["checks"]["worker"]["ok"] is True


@pytest.mark.clock
@override_settings(TASKS=DATABASE_TASKS)
def test_two_schedulers_enqueue_a_periodic_job_once_per_interval(db):
    # given two schedulers looking at the same moment
    now = timezone.now()
    heartbeats = DBTaskResult.objects.filter(task_path="commune.core.tasks.heartbeat")
    # when both run
    first = schedule.enqueue_due(now=now)
    second = schedule.enqueue_due(now=now + dt.timedelta(seconds=5))
    # then only the first enqueued it
    assert "commune.core.tasks.heartbeat" in first
    assert "commune.core.tasks.heartbeat" not in second
    assert heartbeats.count() == 1
    # when the interval has passed, it is due again, once
    later = now + dt.timedelta(minutes=1)
    assert "commune.core.tasks.heartbeat" in schedule.enqueue_due(now=later)
    assert "commune.core.tasks.heartbeat" not in schedule.enqueue_due(now=later)
    assert heartbeats.count() == 2
    assert ScheduledRun.objects.get(name="commune.core.tasks.heartbeat").last_enqueued_at == later


@pytest.mark.clock
def test_a_scheduler_that_lost_the_race_does_not_enqueue(db):
    # given another scheduler claimed the run after this one read the row
    now = timezone.now()
    run = ScheduledRun.objects.create(name=heartbeat.module_path, last_enqueued_at=None)
    stale = ScheduledRun.objects.filter(pk=run.pk, last_enqueued_at=None)
    assert stale.update(last_enqueued_at=now) == 1
    # when this one tries to claim the same run with what it read
    # then the compare-and-set finds nothing to update
    assert stale.update(last_enqueued_at=now) == 0


@pytest.fixture
def rq_redis(redis_server):
    """Database 13 of the suite's own Redis, empty."""
    connection = redis.Redis.from_url(redis_server.url(db=13))
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def test_the_redis_backend_enqueues_and_a_real_rq_worker_runs_the_job(
    transactional_db, tmp_path, redis_server, rq_redis, settings
):
    redis_url = redis_server.url(db=13)
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    runs = tmp_path / "runs.txt"
    token = uuid.uuid4().hex
    # when a job is enqueued on the RQ backend
    result = record_run.enqueue(path=str(runs), token=token)
    # then it waits in Redis
    assert rq_redis.llen("rq:queue:default") == 1
    assert not runs.exists()
    # when a real RQ worker (manage.py worker with TASKS_BACKEND=rq) runs what is queued
    worker = start_worker(
        tmp_path, "--no-scheduler", "--batch", TASKS_BACKEND="rq", REDIS_URL=redis_url
    )
    try:
        worker.wait(timeout=60)
    finally:
        stop_worker(worker)
    # then the job ran once and its result is known through the Tasks API
    assert runs_in(runs) == [token], output_of(worker)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == token
