"""deploy/'s environment and operator scripts: the environment file names every variable
production reads and is a valid production configuration, the backup script rotates only after
a backup succeeded, and commune-manage reads the environment file as systemd does."""

import json
import re
import subprocess
import sys
import tarfile

import pytest

from .deployment import DEPLOY, ROOT, production_environment

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
