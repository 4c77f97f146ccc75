"""The web front of deploy/ as a host installs it: nginx's configuration passes `nginx -t` and
serves private files only internally; gunicorn accepts its configuration and its log lines stay
JSON whatever a client sends."""

import http.client
import json
import re
import socket
import subprocess

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
