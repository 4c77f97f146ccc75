"""What the checks tell an applicant about other people's works (issue 7). An API answer once
said "Marie Rochat prévoit des travaux dans la même rue (PLY-2026-0001…)": an applicant reads
only what the public works map already shows (granted works: reference, dates, and the
organisation's name, never a private person's); the town's staff read everything."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from commune.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)
from commune.permits.models import Finding, PermitRequest, RoutingRule
from commune.permits.services.decision import permit_grant
from commune.permits.services.submission import permit_submit
from commune.permits.services.tokens import api_token_create
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import api_payload, draft, town_settings

URL = "/api/v1/pully/permits/requests"
JUNE = {"planned_start": dt.date(2030, 6, 3), "planned_end": dt.date(2030, 6, 7)}
NOW = at(MONDAY)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """Every call of the test reads the same explicit time: Monday 4 May 2026, 9:00 in Pully."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def street(town_a):
    """Pully with a roads service that reviews every request, an officer, and a utility
    (Services industriels SA) with an API token."""
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10, conflict_distance_m=50)
        roads = DepartmentFactory(municipality=town_a, code="roads", name="Routes")
        RoutingRule.objects.create(municipality=town_a, department=roads)
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    manager = UserFactory(full_name="Anne Gerber")
    utility = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1")
    add_member(utility, manager, manager=True)
    _token, raw = api_token_create(organisation=utility, manager=manager, name="SAP")
    return {"town": town_a, "officer": officer, "manager": manager, "raw": raw}


def works_of(street, person, *, organisation=None, granted=False) -> PermitRequest:
    """`person`'s works in the street in June 2030, submitted (in review) or granted."""
    town = street["town"]
    with scope(town):
        permit = draft(town, applicant=person, organisation=organisation, **JUNE)
        permit = permit_submit(permit=permit, applicant=person, now=at(MONDAY))
        if granted:
            permit = permit_grant(
                permit=permit,
                officer=street["officer"],
                now=at(MONDAY),
                override_reason="Les routes ont répondu par téléphone.",
            )
    return permit


def utility_files(client, street, **headers):
    """The utility's system files its works at the same place, the same week."""
    response = client.post(
        URL,
        data=json.dumps(api_payload(street["town"], **{k: v.isoformat() for k, v in JUNE.items()})),
        content_type="application/json",
        headers={"Authorization": f"Bearer {street['raw']}", **headers},
    )
    assert response.status_code == 201, response.content
    return response


def applicant_page(client, street, permit_id) -> str:
    client.force_login(street["manager"])
    response = client.get(f"/pully/permits/{permit_id}/")
    assert response.status_code == 200
    return response.content.decode()


def map_findings(page: str) -> list[dict]:
    """The findings drawn on the page's map (the data-findings GeoJSON)."""
    raw = re.search(r"data-findings='([^']*)'", page).group(1)
    return json.loads(raw.replace("&quot;", '"'))["features"]


def staff_page(staff_client, street, permit_id) -> str:
    response = staff_client(street["officer"]).get(f"/pully/permits/staff/{permit_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_private_persons_request_under_review_is_never_shown_to_another_applicant(
    client, staff_client, street
):
    # given: Marie Rochat, a private person, has works in the street (in review, not public)
    marie = works_of(street, UserFactory(full_name="Marie Rochat"))
    # when: the utility files works at the same place the same week
    answer = utility_files(client, street)
    # then: its API answer names neither her nor her request
    body = answer.content.decode()
    assert "Marie" not in body and "Rochat" not in body and marie.reference not in body
    assert {f["kind"] for f in answer.json()["findings"]} <= {"notice", "moratorium", "emergency"}
    # and: nor does its page, nor its map
    page = applicant_page(client, street, answer.json()["id"])
    assert "Rochat" not in page and marie.reference not in page
    assert map_findings(page) == []
    # and: the town's staff see both the conflict and who to coordinate with
    with scope(street["town"]):
        kinds = set(
            Finding.objects.filter(permit_id=answer.json()["id"]).values_list("kind", flat=True)
        )
    assert kinds == {"conflict", "coordination"}
    staff = staff_page(staff_client, street, answer.json()["id"])
    assert "Marie Rochat" in staff and marie.reference in staff


def test_a_private_persons_granted_works_are_shown_by_reference_without_the_name(client, street):
    # given: Marie Rochat's works are granted (on the public map: reference, dates, no name)
    marie = works_of(street, UserFactory(full_name="Marie Rochat"), granted=True)
    # when: the utility files works at the same place
    answer = utility_files(client, street)
    # then: the API answer points to her works as the public sees them, never to her
    body = answer.content.decode()
    assert marie.reference in body
    assert "Marie" not in body and "Rochat" not in body
    assert {f["kind"] for f in answer.json()["findings"]} >= {"conflict", "coordination"}
    # and: the same on the page and its map
    page = applicant_page(client, street, answer.json()["id"])
    assert marie.reference in page and "Rochat" not in page
    assert {f["properties"]["kind"] for f in map_findings(page)} == {"conflict", "coordination"}


def test_an_organisations_published_works_are_named(client, street):
    # given: another utility's works are granted in the street
    energy = OrganisationFactory(name="Romande Energie SA")
    person = UserFactory(full_name="Jean Monnier")
    add_member(energy, person)
    works = works_of(street, person, organisation=energy, granted=True)
    # when: the utility files works at the same place, answered in German
    answer = utility_files(client, street, **{"Accept-Language": "de"})
    # then: the coordination names the organisation and its works; never the person
    [coordination] = [f for f in answer.json()["findings"] if f["kind"] == "coordination"]
    assert "Romande Energie SA" in coordination["message"]
    assert works.reference in coordination["message"]
    assert "Monnier" not in answer.content.decode()


def test_the_coordination_mail_never_tells_of_a_request_the_public_cannot_see(
    client, street, smtp_server, django_capture_on_commit_callbacks
):
    # given: Marie Rochat's works in the street are in review
    person = UserFactory(full_name="Marie Rochat")
    marie = works_of(street, person)
    # when: the utility files works at the same place (mails sent once committed)
    with django_capture_on_commit_callbacks(execute=True):
        answer = utility_files(client, street)
    # then: the utility is told it was received, Marie is told nothing, nobody reads the other's
    messages = smtp_server.wait_for(2)
    to = {m["To"] for m in messages}
    assert street["manager"].email in to and person.email not in to
    reference = answer.json()["reference"]
    for message in messages:
        if message["To"] not in {street["manager"].email, person.email}:
            continue  # the town's officers, told of the new conflict, read both references
        text = smtp_server.text_of(message) + smtp_server.html_of(message)
        assert marie.reference not in text and "Rochat" not in text
        if message["To"] == street["manager"].email:
            assert reference in text


def test_the_coordination_mail_about_published_works_gives_their_reference(
    client, street, smtp_server, django_capture_on_commit_callbacks
):
    # given: Marie Rochat's works are granted
    person = UserFactory(full_name="Marie Rochat")
    marie = works_of(street, person, granted=True)
    # when: the utility files works at the same place
    with django_capture_on_commit_callbacks(execute=True):
        utility_files(client, street)
    # then: the utility is invited to coordinate with works the public can see, not with her
    messages = smtp_server.wait_for(3)
    mine = [m for m in messages if m["To"] == street["manager"].email]
    texts = [smtp_server.text_of(m) for m in mine]
    assert any(marie.reference in text for text in texts)
    assert all("Rochat" not in text for text in texts)
    # and: Marie is not told of the utility's request, which is not public yet
    assert person.email not in {m["To"] for m in messages}
