"""Production settings pass `check --deploy`; every request leaves one JSON log line."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from commune.core.logging import JsonFormatter


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="k3Y-" + "x9QvT2mLp8Rw4Zs7Nc1Hb6Jd0Fg5Ka3Ye" * 2,
        DJANGO_ALLOWED_HOSTS="e-services.commune.example.ch",
        COMMUNE_BASE_URL="https://e-services.commune.example.ch",
        COMMUNE_VAR_DIR=str(tmp_path),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_production_is_weakened(tmp_path):
    # the same check sees a weakened setting, so the test above can fail
    result = deploy_check(tmp_path, DJANGO_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = deploy_check(tmp_path, DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_typo_in_the_trusted_proxies_stops_the_start(tmp_path):
    result = deploy_check(tmp_path, TRUSTED_PROXIES="10.0.0.1, 10.0.0.0/33")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: '10.0.0.0/33' is not an address or network" in result.stderr


def test_production_refuses_to_start_without_the_base_url_for_links(tmp_path):
    result = deploy_check(tmp_path, COMMUNE_BASE_URL="")
    assert result.returncode != 0
    assert "COMMUNE_BASE_URL" in result.stderr


@pytest.fixture
def request_log():
    """The request logger, formatting JSON at the moment it emits (as in production)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("commune.request")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_a_request_produces_one_json_log_line(client, town_a, request_log):
    # when
    response = client.get("/pully/?x=1", headers={"x-request-id": "req-42"})
    # then
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1, lines
    entry = json.loads(lines[0])
    assert entry["message"] == "request"
    assert entry["method"] == "GET"
    assert entry["path"] == "/pully/"
    assert entry["status"] == response.status_code == 200
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["request_id"] == "req-42" == response["X-Request-ID"]
    assert entry["town"] == "pully"
    assert entry["level"] == "INFO"


def test_each_request_without_an_id_gets_its_own(client, db, request_log):
    client.get("/")
    client.get("/nowhere/")
    first, second = (json.loads(line) for line in request_log.getvalue().splitlines())
    assert first["request_id"] and second["request_id"]
    assert first["request_id"] != second["request_id"]
    assert second["status"] == 404
