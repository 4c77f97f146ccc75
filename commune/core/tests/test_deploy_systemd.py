"""deploy/systemd as a host installs it: the units pass `systemd-analyze verify` and rate as
hardened, the services run as commune with only their data folders writable."""

import re
import shutil
import subprocess

import pytest

from .deployment import DEPLOY, ROOT

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
