"""The suite starts its own Redis and Mosquitto and never talks to a service it did not start:
not the machine's Redis, MQTT broker or mail server, whatever the environment says."""

import os
import shutil
import smtplib
import subprocess
import sys
from pathlib import Path

import paho.mqtt.publish
import pytest
import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from .workers import output_of, start_worker

ROOT = Path(settings.BASE_DIR)

# Run by a pytest of its own, with the machine's services in the environment.
INNER_TESTS = """
import os

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry


def test_the_machine_service_variables_do_not_reach_the_suite():
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"), settings.CACHES
    assert settings.MQTT_URL == ""
    assert "django_rq" not in settings.INSTALLED_APPS
    assert not {"REDIS_URL", "MQTT_URL", "TASKS_BACKEND"} & set(os.environ)


def test_swallowing_the_refusal_does_not_hide_it():
    try:
        redis.Redis(host="localhost", port=6379, retry=Retry(NoBackoff(), 0)).ping()
    except redis.exceptions.ConnectionError:
        pass
"""


def test_the_suites_redis_is_its_own_child_and_keeps_nothing(redis_server):
    # when the suite's Redis is asked who it is
    connection = redis.Redis.from_url(redis_server.url())
    server = connection.info("server")
    config = connection.config_get("*")
    connection.close()
    # then it is the process this test run started, on a port of its own, in the run's folder
    assert server["process_id"] == redis_server.process.pid
    assert Path(f"/proc/{server['process_id']}/stat").read_text().split()[3] == str(os.getpid())
    assert redis_server.port not in {6379, 0}
    assert Path(config["dir"]).is_relative_to(settings.TEST_RUN_DIR)
    # and it keeps nothing on disk and never evicts a key (as production must run it)
    assert (config["save"], config["appendonly"]) == ("", "no")
    assert config["maxmemory-policy"] == "noeviction"


def test_the_machines_redis_broker_and_mail_server_are_refused(machine_services):
    # when a test reaches for the usual ports of the machine's own services
    with pytest.raises(redis.exceptions.ConnectionError, match="must not talk to"):
        redis.Redis(host="127.0.0.1", port=6379, retry=Retry(NoBackoff(), 0)).ping()
    with pytest.raises(ConnectionRefusedError, match="must not talk to"):
        paho.mqtt.publish.single("commune/probe", b"1", hostname="127.0.0.1", port=1883)
    with pytest.raises(ConnectionRefusedError, match="must not talk to"):
        smtplib.SMTP("127.0.0.1", 25, timeout=1)
    # then each attempt was refused before it left the process, and is on record
    assert machine_services.take_attempts() == [
        "127.0.0.1:6379 (Redis)",
        "127.0.0.1:1883 (an MQTT broker)",
        "127.0.0.1:25 (a mail server)",
    ]


@pytest.fixture
def inner_folder(tmp_path):
    """A folder inside the project, so that a pytest run there loads the suite's conftest.py."""
    folder = settings.TEST_RUN_DIR / f"inner-{tmp_path.name}"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder)


def test_a_suite_run_with_the_machines_services_in_its_environment_uses_none(
    inner_folder, tmp_path
):
    # given a test module run by the suite's own configuration, the machine's services named in
    # the environment (as on a developer's machine)
    inner = inner_folder / "test_inner.py"
    inner.write_text(INNER_TESTS)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},  # not this run's database
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "MQTT_URL": "mqtt://127.0.0.1:1883",
        "TASKS_BACKEND": "rq",
        "COMMUNE_TEST_RUN_DIR": str(tmp_path / "run"),
    }
    # when it runs
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", str(inner)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then the settings and the environment hold none of them, and the test that reached for
    # the machine's Redis and swallowed the refusal fails all the same (at its teardown)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "2 passed, 1 error" in output, output
    assert "tried to reach the machine's own" in output, output
    assert ":6379 (Redis)" in output, output


def test_a_worker_told_to_queue_in_redis_without_an_address_refuses_to_start(
    transactional_db, tmp_path
):
    # when a real worker is started on the Redis backend with no REDIS_URL
    worker = start_worker(tmp_path, "--no-scheduler", "--batch", TASKS_BACKEND="rq")
    # then it stops at once and says what is missing, rather than use the machine's Redis
    assert worker.wait(timeout=60) != 0
    assert "TASKS_BACKEND=rq needs REDIS_URL" in output_of(worker)
