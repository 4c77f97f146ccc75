import datetime as dt

from django.utils import timezone

from commune.core.models import WorkerHeartbeat
from commune.core.tasks import heartbeat


def test_healthz_fails_until_the_worker_has_run_a_job(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is True
    assert response.json()["checks"]["worker"]["ok"] is False


def test_healthz_is_ok_after_the_heartbeat_job_ran(client, db):
    heartbeat.enqueue()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_healthz_fails_when_the_last_job_is_old(client, db):
    WorkerHeartbeat.objects.create(name="worker", seen_at=timezone.now() - dt.timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
