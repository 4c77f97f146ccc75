"""The production stack end to end, as docs/deploy.md sets it up: nginx with
deploy/nginx/commune.conf (TLS, static files, private files) in front of gunicorn with
deploy/gunicorn.conf.py on a Unix socket, config.settings.prod (DEBUG off, collectstatic's
files), `manage.py worker` in a process of its own, mail to a real SMTP server, PostGIS.

Collected only when DATABASE_URL is PostgreSQL (conftest.py's collect_ignore), so that the
SpatiaLite run of ./test does not run it and the PostGIS run of .ci/run always does."""

import io
import json
import re
import time

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.base import ContentFile
from django_otp.oath import totp
from pypdf import PdfReader

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    add_member,
    totp_device,
)
from commune.core.testing import SmtpServer
from commune.permits.models import Attachment, PermitRequest
from commune.permits.services.tokens import api_token_create
from commune.permits.tests.factories import AttachmentFactory, api_payload, town_settings
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import MunicipalityFactory

from .deployment import (  # noqa: F401 - collected_static is a fixture
    DEPLOY,
    VENV_BIN,
    collected_static,
    free_port,
    gunicorn,
    nginx_main,
    nginx_test,
    production_environment,
    render,
    self_signed_certificate,
    started,
    wait_for_port,
)

PLAN = b"%PDF-1.4\n% a plan of the works\n%%EOF\n"


@pytest.fixture
def pully(transactional_db):
    """A town whose routine requests are granted on submission, its permit officer (with an
    authenticator app) and a utility with an API token."""
    town = MunicipalityFactory(slug="pully", name="Pully", ofs_number=5590)
    with scope(town):
        town_settings(town, minimum_notice_days=10, review_days=10, conflict_distance_m=50)
        officer = UserFactory(email="permis@pully.example.ch", kind="staff", language="fr")
        # hashed as production hashes (the suite's settings use a fast hasher production lacks)
        officer.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
        officer.save(update_fields=["password"])
        Membership.objects.create(municipality=town, user=officer, role=Role.PERMIT_OFFICER)
        device = totp_device(officer)
        manager = UserFactory(email="sap@utility.example.ch", language="fr")
        org = OrganisationFactory(name="Réseaux SA", invoice_address="CP 1, 1009 Pully")
        add_member(org, manager, manager=True)
        _, raw_token = api_token_create(organisation=org, manager=manager, name="SAP")
    return town, officer, device, raw_token


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def stack(tmp_path, collected_static, smtp, settings):  # noqa: F811 - the fixture
    """nginx → gunicorn → production settings; yields (base URL, CA file, environment, the
    running gunicorn and nginx). Private files are the test's MEDIA_ROOT, so that what the test
    stores is what nginx serves."""
    https, http = free_port(), free_port()
    base = f"https://localhost:{https}"
    env = production_environment(
        collected_static,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        WAREHOUSE_DIR=str(tmp_path / "warehouse"),
        DJANGO_ALLOWED_HOSTS="localhost",
        COMMUNE_BASE_URL=base,
        # a browser's Referer names the port; in production it is 443 and this is not needed
        DJANGO_CSRF_TRUSTED_ORIGINS=base,
        TRUSTED_PROXIES="unix",
        PRIVATE_FILES_SERVER="nginx",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        DEFAULT_FROM_EMAIL="commune <noreply@localhost>",
    )
    cert, key = self_signed_certificate(tmp_path)
    webroot = tmp_path / "webroot"
    webroot.mkdir()
    site = tmp_path / "commune.conf"
    site.write_text(
        render(
            (DEPLOY / "nginx" / "commune.conf").read_text(),
            {
                "/run/commune/gunicorn.sock": str(tmp_path / "gunicorn.sock"),
                "listen 80 default_server;": f"listen 127.0.0.1:{http} default_server;",
                "listen [::]:80 default_server;": f"listen [::1]:{http} default_server;",
                "listen 443 ssl default_server;": f"listen 127.0.0.1:{https} ssl default_server;",
                "listen [::]:443 ssl default_server;": f"listen [::1]:{https} ssl default_server;",
                "listen 80;": f"listen 127.0.0.1:{http};",
                "listen [::]:80;": f"listen [::1]:{http};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
                "listen [::]:443 ssl http2;": f"listen [::1]:{https} ssl http2;",
                "server_name e-services.example.ch;": "server_name localhost;",
                "/etc/letsencrypt/live/e-services.example.ch/fullchain.pem": str(cert),
                "/etc/letsencrypt/live/e-services.example.ch/privkey.pem": str(key),
                "/var/www/html": str(webroot),
                "/var/lib/commune/static/": f"{collected_static}/static/",
                "/var/lib/commune/media/": f"{settings.MEDIA_ROOT}/",
                "/opt/commune/deploy/nginx/errors/": f"{DEPLOY}/nginx/errors/",
            },
        )
    )
    main = nginx_main(tmp_path, site)
    assert nginx_test(main).returncode == 0
    nginx_command = ["nginx", "-c", str(main), "-p", str(tmp_path), "-e", "stderr"]
    nginx_command += ["-g", "daemon off;"]
    with (
        gunicorn(folder=tmp_path, env=env) as (web, _sock),
        started(nginx_command, folder=tmp_path, name="nginx", env=env) as proxy,
    ):
        wait_for_port(https, proxy.process)
        yield base, str(cert), env, web, proxy


def client(ca: str) -> requests.Session:
    """A browser of our own: trusts the test's certificate, ignores the machine's proxy and CA
    variables (REQUESTS_CA_BUNDLE would replace the certificate we give)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = ca
    return session


def form_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def staff_login(session, base, officer, device) -> None:
    """Password, then the authenticator's current code, through the pages a person uses."""
    login = session.get(f"{base}/accounts/login/?next=/pully/permits/staff/")
    assert login.status_code == 200
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": form_token(login),
            "username": officer.email,
            "password": PASSWORD,
            "next": "/pully/permits/staff/",
        },
        headers={"Referer": login.url},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[answer.text.find("<main") :][:3000]
    assert answer.headers["Location"].startswith("/accounts/2fa/")
    page = session.get(base + answer.headers["Location"])
    code = session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": form_token(page),
            "code": f"{totp(device.bin_key):06d}",
            "next": "/pully/permits/staff/",
        },
        headers={"Referer": page.url},
        allow_redirects=False,
    )
    assert code.status_code == 302, code.text[:2000]
    assert code.headers["Location"] == "/pully/permits/staff/"


def wait_until(condition, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError("the worker did not get there in time")


def log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_permit_goes_from_the_api_through_the_worker_to_its_pdf(pully, stack, smtp):
    town, officer, device, raw_token = pully
    base, ca, env, web, proxy = stack
    staff = client(ca)

    # the web server is ready (database, disk) before any worker ever ran
    ready = staff.get(f"{base}/healthz")
    assert ready.status_code == 200, ready.text
    assert staff.get(f"{base}/healthz/worker").status_code == 503

    # DEBUG is off: an unknown page is our 404, not Django's technical page
    missing = staff.get(f"{base}/no-such-town/")
    assert missing.status_code == 404 and "URLconf" not in missing.text

    # static files come from collectstatic through nginx, hashed names cached for good
    home = staff.get(f"{base}/")
    assert home.status_code == 200
    asset = re.search(r'(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.text).group(1)
    static = staff.get(base + asset)
    assert static.status_code == 200 and "immutable" in static.headers["Cache-Control"]
    assert "X-Request-ID" not in static.headers  # nginx answered, not the application

    # a member of staff logs in with a second factor
    staff_login(staff, base, officer, device)
    assert staff.get(f"{base}/pully/permits/staff/").status_code == 200

    # a utility's system submits a routine request through the API
    submitted = client(ca).post(
        f"{base}/api/v1/pully/permits/requests",
        json=api_payload(town),
        headers={"Authorization": f"Bearer {raw_token}", "Accept-Language": "fr"},
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["status"] == "granted"
    permit_id = submitted.json()["id"]
    reference = submitted.json()["reference"]

    # a worker process sends the mails the submission queued, and beats
    with started(
        [str(VENV_BIN / "python"), "manage.py", "worker", "--tick", "1"],
        folder=web.out.parent,
        name="worker",
        env=env,
    ) as worker:
        wait_until(lambda: len([m for m in smtp.messages if reference in str(m["Subject"])]) == 2)
        assert wait_until(lambda: staff.get(f"{base}/healthz/worker").status_code == 200)
    # submitted, then granted: to the person who holds the token, in French
    mails = [m for m in smtp.messages if reference in str(m["Subject"])]
    assert {m["To"] for m in mails} == {"sap@utility.example.ch"}
    assert any("délivré" in str(m["Subject"]) for m in mails)

    # the officer downloads the permit
    pdf = staff.get(f"{base}/pully/works/documents/{permit_id}/permit.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert reference in text

    # and a plan of it: a private file, sent by nginx after the application's check
    with scope(town):
        permit = PermitRequest.objects.get(pk=permit_id)
        plan = Attachment(municipality=town, permit=permit, name="plan façade été.pdf")
        plan.mime_type, plan.size = "application/pdf", len(PLAN)
        plan.file.save("plan façade été.pdf", ContentFile(PLAN))
    download = staff.get(f"{base}/pully/permits/{permit_id}/files/{plan.pk}/")
    assert download.status_code == 200, download.text[:500]
    assert download.content == PLAN
    assert "X-Accel-Redirect" not in download.headers
    assert download.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]

    # every process stopped cleanly, and logged no error
    assert worker.process.returncode is not None
    for running in (web, worker):
        # (Django logs a 503 as an error: the worker's health before its first beat)
        errors = [
            e
            for e in log_lines(running.stderr)
            if e.get("level") == "ERROR" and e.get("status_code") != 503
        ]
        assert not errors, errors
        assert "Traceback" not in running.stderr


def test_the_proxy_keeps_private_files_and_forged_headers_out(pully, stack, smtp):
    town, officer, device, _ = pully
    base, ca, env, web, proxy = stack
    with scope(town):
        plan = AttachmentFactory(municipality=town, name="plan.pdf")
    visitor = client(ca)

    # a private file by its path: neither nginx's internal location nor any other serves it
    for path in (f"/internal-media/{plan.file.name}", f"/media/{plan.file.name}"):
        assert visitor.get(base + path).status_code == 404
    # a stranger asking the application for it: the login page, never the file
    anonymous = visitor.get(f"{base}/pully/permits/{plan.permit_id}/files/{plan.pk}/")
    assert PLAN not in anonymous.content and b"%PDF" not in anonymous.content

    # a client claiming another address and plain HTTP: the application sees neither
    answer = visitor.get(
        f"{base}/",
        headers={
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "http",
            "X-Request-ID": "forged-id",
        },
        allow_redirects=False,
    )
    assert answer.status_code == 200  # not redirected to https: the proxy said https
    request_id = answer.headers["X-Request-ID"]
    assert request_id != "forged-id"  # nginx's own id, in its log and ours

    # a name we do not serve is dropped by nginx, never reaches the application
    with pytest.raises(requests.ConnectionError):
        visitor.get(f"{base}/", headers={"Host": "evil.example"})

    # too large for the application: nginx's page in the four languages
    too_large = visitor.post(f"{base}/accounts/login/", data=b"x" * (26 * 1024 * 1024))
    assert too_large.status_code == 413 and "Fichier trop volumineux" in too_large.text

    # then, the request log: the client's real address, never the forged one
    web.process.terminate()
    web.process.wait(timeout=30)
    entries = log_lines(web.stderr)
    ours = [e for e in entries if e.get("request_id") == request_id and e["message"] == "request"]
    assert [e["client"] for e in ours] == ["127.0.0.1"]
    assert "203.0.113.9" not in {e.get("client") for e in entries}
