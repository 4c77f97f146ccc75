"""Test helpers that run deploy/ for real: production settings in child processes on the test's
database, gunicorn with deploy/gunicorn.conf.py, nginx with deploy/nginx/commune.conf."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
#: A secret key that passes `check --deploy` (long, varied); for tests only.
SECRET_KEY = "k3Y-" + "x9QvT2mLp8Rw4Zs7Nc1Hb6Jd0Fg5Ka3Ye" * 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_environment() -> dict[str, str]:
    """Variables that point production settings at the database this test runs on."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(db["USER"] or "", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        host = quote(db["HOST"] or "", safe="")
        port = f":{db['PORT']}" if db["PORT"] else ""
        return {"DATABASE_URL": f"postgres://{user}{password}@{host}{port}/{db['NAME']}"}
    return {"SQLITE_PATH": str(db["NAME"])}


def production_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production process (config.settings.prod), as /etc/commune/env
    gives it, on this test's database, its files under `var_dir` (pass MEDIA_ROOT and
    WAREHOUSE_DIR to keep a shared var_dir's static files apart from a test's own files)."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_PATH", "MEDIA_ROOT", "WAREHOUSE"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="e-services.commune.example.ch",
        COMMUNE_BASE_URL="https://e-services.commune.example.ch",
        COMMUNE_VAR_DIR=str(var_dir),
        **database_environment(),
    )
    environment.update(overrides)
    return environment


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """A COMMUNE_VAR_DIR whose static/ holds collectstatic's output under production settings
    (hashed names, compressed copies, the manifest), made once per run: production pages need
    the manifest to render. Media and the warehouse go elsewhere (production_environment)."""
    var_dir = tmp_path_factory.mktemp("production-var")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=SECRET_KEY,
        COMMUNE_BASE_URL="https://e-services.commune.example.ch",
        COMMUNE_VAR_DIR=str(var_dir),
    )
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return var_dir


def render(text: str, replacements: dict[str, str]) -> str:
    """`text` with each key replaced; a key missing from `text` is an error (the file changed
    and the test would silently run something else)."""
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in the file"
        text = text.replace(old, new)
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 (openssl), and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def nginx_main(folder: Path, site: Path) -> Path:
    """nginx's main configuration around a site file, with every path of its own in `folder`
    (nginx -p), so that no file of the machine's nginx is read or written."""
    # As root, nginx's workers would be nobody, who cannot enter pytest's folders (0700).
    user = "user root;\n" if os.getuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events {}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    access_log {folder / 'access.log'};\n"
        f"{temp}"
        f"    include {site};\n"
        "}\n"
    )
    return main


def nginx_test(main: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["nginx", "-t", "-q", "-c", str(main), "-p", str(main.parent), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for_socket(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(path))
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {path}")


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass
class Running:
    """A started process; its output is read once it stopped (`stdout`, `stderr`)."""

    process: subprocess.Popen
    out: Path
    err: Path

    @property
    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.err.read_text(errors="replace")


@contextmanager
def started(command: list[str], *, folder: Path, name: str, env: dict[str, str]):
    """Run `command` (cwd: the checkout) until the block ends; then SIGTERM, and SIGKILL if it
    has not stopped within 30 s."""
    out, err = folder / f"{name}.out", folder / f"{name}.err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, start_new_session=True
        )
    running = Running(process, out, err)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextmanager
def gunicorn(*, folder: Path, env: dict[str, str], workers: int = 2, extra: list[str] = ()):
    """gunicorn with deploy/gunicorn.conf.py on a Unix socket in `folder` (what
    commune-web.socket gives it under systemd); `extra` options override the file's. Yields
    (running process, socket path)."""
    sock = folder / "gunicorn.sock"
    command = [str(VENV_BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")]
    command += ["--bind", f"unix:{sock}", "--workers", str(workers), *extra, "config.wsgi"]
    with started(command, folder=folder, name="gunicorn", env=env) as running:
        wait_for_socket(sock, running.process)
        yield running, sock
