"""Start the real `manage.py worker` in a subprocess against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from .clock import command_at_test_clock

ROOT = Path(settings.BASE_DIR)


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker that uses the same database as this test."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        env["SQLITE_PATH"] = str(db["NAME"])
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="worker-test-key-not-secret",
        COMMUNE_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def start_worker(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen:
    """`manage.py worker *args` at this test's clock (libfaketime when time-machine moved it),
    its output in a log file beside the test's files."""
    log_path = tmp_path / f"worker-{time.monotonic_ns()}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command_at_test_clock([sys.executable, "manage.py", "worker", *args]),
            cwd=ROOT,
            env=worker_env(tmp_path, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log_path = log_path
    return process


def output_of(process: subprocess.Popen) -> str:
    return process.log_path.read_text(errors="replace")


def stop_worker(process: subprocess.Popen) -> None:
    """SIGTERM to the worker's process group (its own session): whatever the worker started
    (an import child, a wrapper) stops with it and takes no later test's jobs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float = 30.0,
    what: str = "",
    workers: tuple[subprocess.Popen, ...] = (),
) -> None:
    """Poll `condition`; fail with the workers' output if it never holds or a worker died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        dead = [w for w in workers if w.poll() is not None]
        if dead:
            raise AssertionError(f"a worker exited while waiting for {what}:\n{output_of(dead[0])}")
        time.sleep(0.1)
    logs = "\n".join(output_of(w)[-3000:] for w in workers)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")
