"""deploy/ as a host installs it: the systemd units pass `systemd-analyze verify` and rate as
hardened, nginx's configuration passes `nginx -t`, the environment file names every variable
production reads, gunicorn's log lines stay JSON whatever a client sends, and the backup
script rotates only after a backup succeeded."""

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import tarfile

import pytest

from .deployment import (  # noqa: F401 - collected_static is a fixture
    DEPLOY,
    ROOT,
    VENV_BIN,
    collected_static,
    gunicorn,
    nginx_main,
    nginx_test,
    production_environment,
    render,
    self_signed_certificate,
)

UNITS = [
    "commune-web.socket",
    "commune-web.service",
    "commune-worker.service",
    "commune-mqtt.service",
    "commune-backup.service",
    "commune-backup.timer",
]
SERVICES = [unit for unit in UNITS if unit.endswith(".service")]


# --- systemd ---------------------------------------------------------------------------------


def installed_units(tmp_path, *, edit=None):
    """deploy/systemd copied to a unit folder, with /opt/commune (the checkout on a server)
    replaced by this checkout: systemd-analyze checks that every ExecStart= program exists.
    Nothing else changes. Returns the environment that makes systemd-analyze look there."""
    units = tmp_path / "units"
    shutil.copytree(DEPLOY / "systemd", units)
    for path in units.rglob("*"):
        if path.is_file():
            text = path.read_text().replace("/opt/commune/", f"{ROOT}/")
            path.write_text(edit(path.name, text) if edit else text)
    # SYSTEMD_UNIT_PATH with a trailing colon: our folder first, then the system's (targets).
    return {"SYSTEMD_UNIT_PATH": f"{units}:", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}


def systemd_analyze(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    # when
    result = systemd_analyze("verify", "--man=no", *UNITS, env=installed_units(tmp_path))
    # then: no error and no warning (an unknown directive is only a warning)
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_verify_sees_a_misspelt_hardening_directive(tmp_path):
    # given: the shared hardening with a typo, which systemd would ignore
    env = installed_units(
        tmp_path, edit=lambda name, text: text.replace("ProtectSystem=", "ProtectSytem=")
    )
    # when
    result = systemd_analyze("verify", "--man=no", *UNITS, env=env)
    # then
    assert "Unknown key 'ProtectSytem'" in result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_is_hardened(tmp_path, service):
    # when: systemd rates the unit as it would run it (with the shared drop-in)
    result = systemd_analyze("security", "--offline=true", service, env=installed_units(tmp_path))
    # then: "OK" on systemd's scale (0 = locked down, 10 = nothing done)
    exposure = re.search(r"Overall exposure level for \S+: (\d+\.\d)", result.stdout)
    assert exposure, result.stdout + result.stderr
    assert float(exposure.group(1)) <= 2.0, result.stdout
    for line in ("✓ User=/DynamicUser=", "✓ NoNewPrivileges=", "✓ PrivateTmp="):
        assert line in result.stdout
    assert "✓ ProtectSystem=" in result.stdout and "strict" in result.stdout


def test_the_services_run_as_commune_with_their_data_folders_only_writable():
    shared = (DEPLOY / "systemd" / "commune-.service.d" / "hardening.conf").read_text()
    for directive in (
        "User=commune",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/commune/media /var/lib/commune/warehouse",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "EnvironmentFile=/etc/commune/env",
    ):
        assert re.search(rf"^{re.escape(directive)}$", shared, re.M), directive
    worker = (DEPLOY / "systemd" / "commune-worker.service").read_text()
    assert re.search(r"^MemoryMax=\d+[GM]$", worker, re.M)
    socket_unit = (DEPLOY / "systemd" / "commune-web.socket").read_text()
    assert "SocketUser=www-data" in socket_unit and "SocketMode=0600" in socket_unit


# --- nginx -----------------------------------------------------------------------------------


def nginx_site(tmp_path, *, edit=None):
    """deploy/nginx/commune.conf as installed, with a self-signed certificate in place of
    Let's Encrypt's (nginx -t reads the certificate). Nothing else changes."""
    cert, key = self_signed_certificate(tmp_path)
    text = render(
        (DEPLOY / "nginx" / "commune.conf").read_text(),
        {
            "/etc/letsencrypt/live/e-services.example.ch/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/e-services.example.ch/privkey.pem": str(key),
        },
    )
    site = tmp_path / "commune.conf"
    site.write_text(edit(text) if edit else text)
    return nginx_main(tmp_path, site)


def test_the_nginx_configuration_passes_nginx_t(tmp_path):
    result = nginx_test(nginx_site(tmp_path))
    assert result.returncode == 0, result.stderr


def test_nginx_t_sees_a_broken_configuration(tmp_path):
    main = nginx_site(tmp_path, edit=lambda text: text.replace("alias /var/lib", "alais /var/lib"))
    result = nginx_test(main)
    assert result.returncode != 0
    assert 'unknown directive "alais"' in result.stderr


def test_private_files_have_only_an_internal_location():
    conf = (DEPLOY / "nginx" / "commune.conf").read_text()
    blocks = re.findall(r"location ([^{]+)\{([^}]*)\}", conf)
    media = [(where, body) for where, body in blocks if "/var/lib/commune/media" in body]
    assert [where.strip() for where, _ in media] == ["/internal-media/"]
    assert "internal;" in media[0][1]


# --- the environment file --------------------------------------------------------------------

#: Read by the settings but not for a production installation.
NOT_FOR_PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "set by the units themselves",
    "DJANGO_DEBUG": "prod.py sets DEBUG = False whatever it says",
    "SQLITE_PATH": "SpatiaLite: development and tests",
}
READERS = [
    ROOT / "config" / "settings" / "base.py",
    ROOT / "config" / "settings" / "prod.py",
    DEPLOY / "gunicorn.conf.py",
    DEPLOY / "commune-backup",
]
PYTHON_READ = re.compile(
    r"""(?:os\.environ(?:\.get)?\(|os\.environ\[|env_(?:bool|list|networks)\()\s*["']([A-Z][A-Z0-9_]+)"""
)
SHELL_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]+):-")


def variables_read() -> set[str]:
    names = set()
    for path in READERS:
        text = path.read_text()
        names |= set(PYTHON_READ.findall(text)) | set(SHELL_READ.findall(text))
    return names


def example_values() -> dict[str, str]:
    """Each variable the example names (set, or shown commented out with its default)."""
    values = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        match = re.match(r"^#?([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


def test_the_environment_example_names_every_variable_production_reads():
    read = variables_read()
    assert len(read) > 30  # the patterns do find the settings' variables
    missing = read - example_values().keys() - NOT_FOR_PRODUCTION.keys()
    assert not missing, f"add to deploy/env.example: {sorted(missing)}"
    assert not example_values().keys() - read, "deploy/env.example names a variable no one reads"


def test_the_environment_example_holds_no_secret():
    values = example_values()
    assert values["DJANGO_SECRET_KEY"] == ""
    assert values.get("EMAIL_HOST_PASSWORD", "") == ""


def test_the_environment_example_is_a_valid_production_configuration(tmp_path):
    # given: the example's settings as an operator fills them in (a key, nothing else)
    example = {
        name: value
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if (match := re.match(r"^([A-Z][A-Z0-9_]+)=(.*)$", line))
        for name, value in [match.groups()]
    }
    env = production_environment(tmp_path)
    env.update(example, DJANGO_SECRET_KEY=env["DJANGO_SECRET_KEY"], COMMUNE_VAR_DIR=str(tmp_path))
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- gunicorn --------------------------------------------------------------------------------

FORGED_PATH = "/nowhere%0A%7B%22forged%22:%20true%7D%22%5C/"
FORGED_AGENT = 'evil"} {"forged": true} \\'


def send_forged_request(sock) -> int:
    connection = http.client.HTTPConnection("e-services.commune.example.ch")
    connection.sock = socket.socket(socket.AF_UNIX)
    connection.sock.connect(str(sock))
    connection.request(
        "GET",
        FORGED_PATH + "?q=Chemin+du+Secret+12",
        headers={
            "User-Agent": FORGED_AGENT,
            "X-Forwarded-Proto": "https",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status


def served_from(static_var, tmp_path) -> dict[str, str]:
    """Production settings with collectstatic's output, and this test's own files."""
    return production_environment(
        static_var, MEDIA_ROOT=str(tmp_path / "media"), WAREHOUSE_DIR=str(tmp_path / "warehouse")
    )


def test_gunicorn_access_lines_stay_json_whatever_the_client_sends(
    transactional_db,
    tmp_path,
    collected_static,  # noqa: F811 - the fixture
):
    # given: gunicorn as commune-web.service runs it, on this test's database
    env = served_from(collected_static, tmp_path)
    with gunicorn(folder=tmp_path, env=env) as (running, sock):
        # when: a path with an encoded newline, quotes and a backslash, and such a user agent
        status = send_forged_request(sock)
    # then: each line is one JSON object, and nothing the client sent became a field
    access = [json.loads(line) for line in running.stdout.splitlines()]
    assert len(access) == 1, running.stdout
    entry = access[0]
    assert entry["path"] == '/nowhere\n{"forged": true}"\\/'
    assert entry["user_agent"] == FORGED_AGENT
    assert entry["status"] == status == 404, running.stderr[-3000:]
    assert "forged" not in entry and "Secret" not in json.dumps(entry)
    # and gunicorn's own lines are JSON too
    errors = [line for line in running.stderr.splitlines() if line.startswith("{")]
    assert any(json.loads(line)["message"].startswith("Booting worker") for line in errors)


def test_a_json_access_format_alone_would_let_a_client_forge_log_lines(
    transactional_db,
    tmp_path,
    collected_static,  # noqa: F811 - the fixture
):
    """Why deploy/gunicorn.conf.py builds its lines with json.dumps: gunicorn's format string
    escapes quotes but neither backslashes nor an encoded newline."""
    env = served_from(collected_static, tmp_path)
    with gunicorn(
        folder=tmp_path,
        env=env,
        extra=[
            "--logger-class",
            "gunicorn.glogging.Logger",
            "--access-logformat",
            '{"path": "%(U)s", "agent": "%(a)s"}',
        ],
    ) as (running, sock):
        send_forged_request(sock)
    lines = [line for line in running.stdout.splitlines() if line]
    with pytest.raises(json.JSONDecodeError):
        [json.loads(line) for line in lines]


def test_gunicorn_accepts_its_configuration(tmp_path):
    result = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--check-config", "--config", "deploy/gunicorn.conf.py"]
        + ["config.wsgi"],
        cwd=ROOT,
        env=production_environment(tmp_path, TRUSTED_PROXIES="unix,10.0.0.1/24"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- backups ---------------------------------------------------------------------------------


def run_backup(tmp_path, backups, **env) -> subprocess.CompletedProcess:
    environment = production_environment(tmp_path / "var")
    environment.update(COMMUNE_BACKUP_DIR=str(backups), COMMUNE_BACKUP_PYTHON=sys.executable, **env)
    return subprocess.run(
        [str(DEPLOY / "commune-backup")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_backup_keeps_the_newest_archives_and_nothing_else_of_ours(
    transactional_db, tmp_path, town_a
):
    # given: four earlier backups, and files that are not ours
    backups = tmp_path / "backups"
    backups.mkdir()
    old = [f"commune-2026010{day}T023000Z.tar.gz" for day in (1, 2, 3, 4)]
    for name in old + ["notes.txt", "commune-manual.tar.gz"]:
        (backups / name).write_bytes(b"earlier")
    # when: a backup, keeping three
    result = run_backup(tmp_path, backups, COMMUNE_BACKUP_KEEP="3")
    # then: the new archive and the two newest earlier ones; the others untouched
    assert result.returncode == 0, result.stdout + result.stderr
    new = sorted(p.name for p in backups.glob("commune-2*.tar.gz") if p.name not in old)
    assert len(new) == 1
    remaining = sorted(p.name for p in backups.iterdir())
    assert remaining == sorted([*new, old[3], old[2], "notes.txt", "commune-manual.tar.gz"])
    # the archive is a real backup of this database, readable by its owner only
    archive = backups / new[0]
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["rows"]["tenants.municipality"] == 1


def test_a_failed_backup_removes_no_earlier_one(transactional_db, tmp_path):
    # given
    backups = tmp_path / "backups"
    backups.mkdir()
    old = [f"commune-2026010{day}T023000Z.tar.gz" for day in (1, 2, 3)]
    for name in old:
        (backups / name).write_bytes(b"earlier")
    # when: the database cannot be read
    broken = {"SQLITE_PATH": str(tmp_path / "missing" / "db.sqlite3")}
    if "DATABASE_URL" in production_environment(tmp_path):
        broken = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = run_backup(tmp_path, backups, COMMUNE_BACKUP_KEEP="1", **broken)
    # then: the unit fails, every earlier backup stays, no partial file
    assert result.returncode != 0
    assert sorted(p.name for p in backups.iterdir()) == old


@pytest.mark.parametrize("keep", ["0", "-1", "two", "1; rm -rf /"])
def test_a_bad_number_to_keep_is_refused_before_anything_runs(tmp_path, keep):
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "commune-20260101T023000Z.tar.gz").write_bytes(b"earlier")
    result = run_backup(tmp_path, backups, COMMUNE_BACKUP_KEEP=keep)
    assert result.returncode == 2
    assert "COMMUNE_BACKUP_KEEP must be a whole number" in result.stderr
    assert [p.name for p in backups.iterdir()] == ["commune-20260101T023000Z.tar.gz"]


# --- commune-manage --------------------------------------------------------------------------

PRINT_SETTINGS = (
    "from django.conf import settings; "
    "print('SETTINGS', settings.SETTINGS_MODULE, '|', settings.DEFAULT_FROM_EMAIL, '|', "
    "settings.COMMUNE_BASE_URL, '|', settings.LOGGING['root']['level'])"
)


def commune_manage(tmp_path, env_lines: list[str], *args, user="root", **caller):
    """deploy/commune-manage with an environment file of `env_lines`, as `user` (the suite runs
    as root, like an operator); `caller` is what the operator's shell has set, besides PATH."""
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(env_lines) + "\n")
    environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "COMMUNE_ENV_FILE": str(env_file)}
    environment.update(COMMUNE_USER=user, **caller)
    return subprocess.run(
        [str(DEPLOY / "commune-manage"), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_lines(tmp_path) -> list[str]:
    env = production_environment(tmp_path)
    names = ["DJANGO_SECRET_KEY", "COMMUNE_BASE_URL", "COMMUNE_VAR_DIR", "DJANGO_ALLOWED_HOSTS"]
    names += [n for n in ("DATABASE_URL", "SQLITE_PATH") if n in env]
    return [f"{name}={env[name]}" for name in names]


def test_commune_manage_reads_the_environment_file_as_systemd_does(tmp_path):
    # given: a value the shell would take for a redirection, comments of both kinds, a blank
    lines = production_lines(tmp_path) + [
        "# a comment",
        "; another",
        "",
        "   DEFAULT_FROM_EMAIL=commune <noreply@e-services.example.ch>",
        "LOG_LEVEL=WARNING",
    ]
    # when
    result = commune_manage(tmp_path, lines, "shell", "-c", PRINT_SETTINGS)
    # then: production settings, every value whole
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("SETTINGS"))
    assert line == (
        "SETTINGS config.settings.prod | commune <noreply@e-services.example.ch> | "
        "https://e-services.commune.example.ch | WARNING"
    )


def test_commune_manage_lets_the_callers_environment_win(tmp_path):
    # when: the operator sets a variable the file sets too (e.g. a scratch database)
    result = commune_manage(
        tmp_path,
        production_lines(tmp_path),
        "shell",
        "-c",
        PRINT_SETTINGS,
        COMMUNE_BASE_URL="https://elsewhere.example.ch",
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| https://elsewhere.example.ch |" in result.stdout


def test_commune_manage_refuses_a_line_that_is_not_name_value(tmp_path):
    lines = [*production_lines(tmp_path), "export DJANGO_DEBUG=1", "rm -rf /"]
    result = commune_manage(tmp_path, lines, "check")
    assert result.returncode == 2
    assert "not NAME=value: export DJANGO_DEBUG=1" in result.stderr
