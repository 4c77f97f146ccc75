"""Links that leave the request (mails, the permit PDF's QR code, the closures calendar) are
built from the installation's configured base URL, or the town's own domain name, never from
the request's Host header, which a client chooses freely behind a catch-all proxy."""

import io
import re
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from icalendar import Calendar

from commune.accounts.models import Membership, Role, User
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.permits.models import PermitRequest
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Domain
from commune.tenants.scoping import scope

BASE = "https://e-services.example.ch"
EVIL = "evil.example.com"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def configured(settings):
    settings.COMMUNE_BASE_URL = BASE
    settings.ALLOWED_HOSTS = ["*"]  # a catch-all proxy passes any Host through


def links_of(message) -> list[str]:
    body = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    found = LINK.findall(body) + LINK.findall(html)
    assert found, body
    return found


def assert_all_on(messages, base: str):
    assert messages
    for message in messages:
        for link in links_of(message):
            assert link.startswith(base + "/"), link
            assert EVIL not in link


def test_a_password_reset_asked_with_an_evil_host_links_to_the_configured_site(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    UserFactory(email="marie@example.ch")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": "marie@example.ch"}, headers={"host": EVIL}
        )
    assert response.status_code == 302
    assert_all_on(smtp_server.wait_for(1), BASE)


def test_registration_and_resent_links_ignore_the_host_header(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/register/",
            {
                "account_type": "citizen",
                "full_name": "Marie Rochat",
                "email": "marie@example.ch",
                "language": "fr",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
            },
            headers={"host": EVIL},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/verify/resend/", {"email": "marie@example.ch"}, headers={"host": EVIL}
        )
    assert_all_on(smtp_server.wait_for(2), BASE)
    assert len(smtp_server.messages) == 2


def test_an_invitation_sent_with_an_evil_host_links_to_the_configured_site(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    org = OrganisationFactory()
    manager = UserFactory(kind=User.Kind.COMPANY)
    add_member(org, manager, manager=True)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/accounts/organisation/{org.pk}/invite/",
            {"email": "paulo@example.ch"},
            headers={"host": EVIL},
        )
    assert_all_on(smtp_server.wait_for(1), BASE)


def grant_role_by_mail(staff_client, town, capture, **headers):
    admin = UserFactory(kind=User.Kind.STAFF)
    with scope(town):
        Membership.objects.create(municipality=town, user=admin, role=Role.MUNICIPALITY_ADMIN)
    with capture(execute=True):
        return staff_client(admin).post(
            f"/{town.slug}/manage/staff/",
            {"email": "nouveau@example.ch", "full_name": "Jean Nouveau", "role": "permit_officer"},
            headers=headers,
        )


def test_a_staff_welcome_sent_with_an_evil_host_links_to_the_configured_site(
    staff_client, town_a, smtp_server, django_capture_on_commit_callbacks
):
    response = grant_role_by_mail(
        staff_client, town_a, django_capture_on_commit_callbacks, host=EVIL
    )
    assert response.status_code == 302
    assert_all_on(smtp_server.wait_for(1), BASE)


def test_a_town_with_its_own_domain_gets_links_on_that_domain(
    staff_client, town_a, smtp_server, django_capture_on_commit_callbacks
):
    # given: Pully is also served at its own domain name
    Domain.objects.create(municipality=town_a, domain="e-services.pully.ch")
    # when: its admin adds a colleague, from the platform's address or an evil one
    grant_role_by_mail(staff_client, town_a, django_capture_on_commit_callbacks, host=EVIL)
    # then: the link is on the town's domain, with the scheme of the configured base
    assert_all_on(smtp_server.wait_for(1), "https://e-services.pully.ch")


def test_a_reset_asked_on_a_towns_domain_links_to_that_domain_and_no_other(
    client, town_a, smtp_server, django_capture_on_commit_callbacks
):
    Domain.objects.create(municipality=town_a, domain="e-services.pully.ch")
    UserFactory(email="marie@example.ch")
    UserFactory(email="luc@example.ch")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/reset/",
            {"email": "marie@example.ch"},
            headers={"host": "e-services.pully.ch"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/reset/", {"email": "luc@example.ch"}, headers={"host": EVIL}
        )
    marie, luc = smtp_server.wait_for(2)
    assert_all_on([marie], "https://e-services.pully.ch")
    assert_all_on([luc], BASE)


@pytest.fixture
def granted(town_a):
    with scope(town_a):
        return work(town_a, road_closure=PermitRequest.Closure.ONE_LANE)


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_the_permit_pdf_qr_url_ignores_the_host_header(client, granted):
    client.force_login(granted.applicant)
    response = client.get(f"/pully/works/documents/{granted.pk}/permit.pdf", headers={"host": EVIL})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert EVIL not in text
    assert re.search(re.escape(BASE) + r"/pully/works/verify/\S+/", text)


def test_the_permit_pdf_of_a_town_with_its_own_domain_links_there(client, granted, town_a):
    Domain.objects.create(municipality=town_a, domain="e-services.pully.ch")
    client.force_login(granted.applicant)
    response = client.get(f"/pully/works/documents/{granted.pk}/permit.pdf", headers={"host": EVIL})
    text = pdf_text(response.content)
    url = re.search(r"https://e-services\.pully\.ch/works/verify/[^/\s]+/", text).group(0)
    # the link opens the verification page on the town's domain
    client.logout()
    page = client.get(
        url.split("e-services.pully.ch", 1)[1], headers={"host": "e-services.pully.ch"}
    )
    assert page.status_code == 200 and granted.reference in page.content.decode()


def test_the_closures_calendar_links_and_uids_ignore_the_host_header(client, granted):
    calendars = [
        Calendar.from_ical(client.get("/pully/works/closures.ics", headers={"host": h}).content)
        for h in (EVIL, "testserver")
    ]
    events = [c.walk("VEVENT") for c in calendars]
    for event in events[0]:
        assert str(event["URL"]).startswith(BASE + "/pully/"), event["URL"]
        assert EVIL not in str(event["UID"])
    # the same event keeps the same UID whatever address the calendar was fetched from
    assert [str(e["UID"]) for e in events[0]] == [str(e["UID"]) for e in events[1]]


# Where the code may read the request's host, and why that never puts it in a link that
# leaves the request. A new use fails the test below until it is listed here with a reason.
HOST_READERS = {
    "commune/permits/public/ogcapi.py": "OGC API links answered to the request itself",
    "commune/tenants/middleware.py": "finds the town of a domain name; writes no link",
    "commune/tenants/links.py": "looks the host up among the towns' domains; never copies it",
    "commune/accounts/views/_helpers.py": "same-origin check of a `next` address",
}


def test_only_known_places_read_the_host_of_the_request():
    root = Path(settings.BASE_DIR)
    readers = {
        str(path.relative_to(root))
        for path in (root / "commune").rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"build_absolute_uri|get_host\(|HTTP_HOST", path.read_text())
    }
    assert readers <= set(HOST_READERS), sorted(readers - set(HOST_READERS))
