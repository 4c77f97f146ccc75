"""Health: /healthz says whether this web server can serve (its database, its disk), for the
load balancer; /healthz/worker says whether the worker runs, for monitoring. A worker that is
down, or not yet started, never takes the web servers out of rotation."""

import datetime as dt
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from commune.core.models import WorkerHeartbeat
from commune.core.tasks import heartbeat
from commune.core.testing import free_port

from .workers import output_of, start_worker, stop_worker, wait_until

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

NOW = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def beat_at(moment: dt.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(name="worker", defaults={"seen_at": moment})


def test_a_web_server_is_ready_before_any_worker_has_run(client, db, clock):
    # given a fresh installation: no worker has ever run
    # when the load balancer asks
    response = client.get("/healthz")
    # then this web server is ready: its database answers and its disk has room
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "disk": {"ok": True, "free_bytes": response.json()["checks"]["disk"]["free_bytes"]},
        },
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_web_server_stays_ready_while_the_worker_is_down(client, db, clock):
    # given the worker was last seen ten minutes ago
    beat_at(NOW - dt.timedelta(minutes=10))
    # when the load balancer asks, then the web server stays in rotation
    assert client.get("/healthz").status_code == 200
    # while monitoring sees the worker down
    response = client.get("/healthz/worker")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"worker": {"ok": False, "last_beat_seconds_ago": 600}},
    }


def test_a_web_server_with_a_full_disk_is_not_ready(client, db, settings):
    # given less free space than the installation requires (the real disk, a higher bar)
    settings.HEALTH_MIN_FREE_DISK_BYTES = 2**62
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["disk"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_the_worker_is_reported_down_until_it_first_beats(client, db, clock):
    response = client.get("/healthz/worker")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "never seen"}


def test_the_worker_is_reported_alive_after_the_heartbeat_job_ran(client, db, clock):
    # when the heartbeat job runs (the test settings run jobs as they are enqueued)
    heartbeat.enqueue()
    # then
    response = client.get("/healthz/worker")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"worker": {"ok": True, "last_beat_seconds_ago": 0}},
    }


@pytest.mark.parametrize(("age", "alive"), [(180, True), (181, False)])
def test_the_worker_is_down_once_its_last_beat_is_older_than_the_limit(
    client, db, clock, age, alive
):
    # given the limit is three minutes
    assert settings.HEALTH_WORKER_MAX_AGE_SECONDS == 180
    beat_at(NOW - dt.timedelta(seconds=age))
    # when monitoring asks
    response = client.get("/healthz/worker")
    # then
    assert response.status_code == (200 if alive else 503)
    assert response.json()["checks"]["worker"] == {"ok": alive, "last_beat_seconds_ago": age}


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_beats_as_it_starts_before_any_job(client, transactional_db, tmp_path):
    # given no worker was ever seen
    assert client.get("/healthz/worker").status_code == 503
    # when a real worker starts, without the scheduler that enqueues the heartbeat job
    worker = start_worker(tmp_path, "--no-scheduler")
    try:
        wait_until(
            lambda: WorkerHeartbeat.objects.filter(name="worker").exists(),
            what="the worker's first beat",
            workers=(worker,),
        )
        # then monitoring sees it alive at once, not a minute later
        response = client.get("/healthz/worker")
    finally:
        stop_worker(worker)
    assert response.status_code == 200, (response.json(), output_of(worker))


@pytest.fixture
def server_without_database(tmp_path):
    """This project served by a real WSGI server whose PostgreSQL does not answer."""
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "health-test-key-not-secret",
        "DATABASE_URL": "postgres://commune@127.0.0.1:1/commune",
        "COMMUNE_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "CRITICAL",
    }
    serve = (
        "import sys\n"
        "from wsgiref.simple_server import make_server\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "make_server('127.0.0.1', int(sys.argv[1]), get_wsgi_application()).serve_forever()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", serve, str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: _get(port, "/healthz") is not None, what="the WSGI server")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(port: int, path: str) -> tuple[int, dict | str] | None:
    """(status, JSON body, or the text of a body that is not JSON); None when nothing answers."""
    try:
        answer = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
    except urllib.error.HTTPError as error:
        answer = error
    except OSError:
        return None
    with answer:
        body = answer.read().decode(errors="replace")
    try:
        return answer.status, json.loads(body)
    except ValueError:
        return answer.status, body


def test_a_web_server_whose_database_is_down_is_not_ready(server_without_database):
    # when the load balancer and monitoring ask a web server that cannot reach its database
    ready = _get(server_without_database, "/healthz")
    worker = _get(server_without_database, "/healthz/worker")
    # then both say so, in JSON, and neither is an internal error
    status, body = ready
    assert status == 503, ready
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["disk"]["ok"] is True
    assert worker == (
        503,
        {"status": "fail", "checks": {"worker": {"ok": False, "error": "database unreachable"}}},
    )
