"""The e-mails about a file go to the people of its organisation who follow it (issue 8): the
submitter by default, a colleague who chose to follow; each in their own language, with the
absolute link to the file's page (at the step to take); never to someone who stopped
following or who left the organisation. Real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from commune.accounts.models import OrganisationMember
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.permits.models import PermitRequest
from commune.permits.services.decision import permit_abandon
from commune.permits.services.review import complement_request
from commune.permits.tests.conftest import MONDAY, at
from commune.permits.tests.factories import draft
from commune.tenants.scoping import scope

Status = PermitRequest.Status


@pytest.fixture
def team(in_town, settings_a):
    """An organisation of three: Alice submitted the file, Bruno (German) and Carla did not."""
    org = OrganisationFactory(name="Réseaux Lémaniques SA")
    alice = UserFactory(full_name="Alice Rochat", language="fr")
    bruno = UserFactory(full_name="Bruno Keller", language="de")
    carla = UserFactory(full_name="Carla Rossi", language="it")
    for person in (alice, bruno, carla):
        add_member(org, person)
    permit = draft(
        in_town,
        applicant=alice,
        organisation=org,
        status=Status.IN_REVIEW,
        reference="PLY-2026-0401",
    )
    return {"org": org, "alice": alice, "bruno": bruno, "carla": carla, "permit": permit}


def _follow(client, person, permit, follows: str):
    client.force_login(person)
    return client.post(f"/pully/permits/{permit.pk}/follow/", {"follows": follows}, follow=True)


def _ask_complement(permit, officer, capture):
    with capture(execute=True):
        complement_request(permit=permit, officer=officer, question="Plan ?", now=at(MONDAY))


def test_mails_reach_the_submitter_and_a_colleague_who_follows_with_the_link(
    team, officer, client, smtp_server, django_capture_on_commit_callbacks
):
    # given Bruno follows the file from its page; Carla does not
    assert (
        'data-follow="yes"' in _follow(client, team["bruno"], team["permit"], "1").content.decode()
    )

    # when the officer asks for a complement
    _ask_complement(team["permit"], officer, django_capture_on_commit_callbacks)

    # then Alice and Bruno are told, each in their language, with the link to the answer form
    messages = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted([team["alice"].email, team["bruno"].email])
    link = f"http://testserver/pully/permits/{team['permit'].pk}/#complement-title"
    for message in messages:
        assert link in smtp_server.text_of(message)
        assert f'href="{link}"' in smtp_server.html_of(message)
    subjects = {m["To"]: m["Subject"] for m in messages}
    assert "un complément est nécessaire" in subjects[team["alice"].email]
    assert "eine Ergänzung ist nötig" in subjects[team["bruno"].email]


def test_after_unfollowing_a_colleague_receives_nothing_more(
    team, officer, client, smtp_server, django_capture_on_commit_callbacks
):
    # given Bruno followed, then stopped
    _follow(client, team["bruno"], team["permit"], "1")
    _follow(client, team["bruno"], team["permit"], "0")

    # when the officer asks for a complement, then closes the file
    _ask_complement(team["permit"], officer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        permit_abandon(
            permit=team["permit"], officer=officer, reason="Sans nouvelles", now=at(MONDAY)
        )

    # then only Alice, the submitter, is told, twice
    messages = smtp_server.wait_for(2)
    assert [m["To"] for m in messages] == [team["alice"].email] * 2
    assert "/pully/permits/" in smtp_server.text_of(messages[1])


def test_the_submitter_who_stops_following_is_no_longer_told(
    team, officer, client, smtp_server, django_capture_on_commit_callbacks
):
    _follow(client, team["carla"], team["permit"], "1")
    response = _follow(client, team["alice"], team["permit"], "0")
    assert response.status_code == 200

    _ask_complement(team["permit"], officer, django_capture_on_commit_callbacks)

    messages = smtp_server.wait_for(1)
    assert [m["To"] for m in messages] == [team["carla"].email]


def test_a_follower_who_left_the_organisation_is_told_nothing(
    team, officer, client, smtp_server, django_capture_on_commit_callbacks
):
    # given Bruno followed the file, then left the organisation
    _follow(client, team["bruno"], team["permit"], "1")
    OrganisationMember.objects.filter(user=team["bruno"]).delete()

    _ask_complement(team["permit"], officer, django_capture_on_commit_callbacks)

    messages = smtp_server.wait_for(1)
    assert [m["To"] for m in messages] == [team["alice"].email]
    # and he cannot follow it again: the file is no longer his to open
    assert _follow(client, team["bruno"], team["permit"], "1").status_code == 404


def test_the_page_says_who_follows_and_the_buttons_confirm(team, client):
    client.force_login(team["bruno"])
    page = client.get(f"/pully/permits/{team['permit'].pk}/").content.decode()
    assert 'data-follow="no"' in page

    page = _follow(client, team["bruno"], team["permit"], "1").content.decode()
    assert 'data-follow="yes"' in page
    assert 'class="message message-success"' in page


def test_someone_outside_the_organisation_or_the_town_cannot_follow(team, client, town_b):
    outsider = UserFactory()
    assert _follow(client, outsider, team["permit"], "1").status_code == 404
    with scope(town_b):
        other_town = draft(town_b, status=Status.IN_REVIEW, reference="LTR-2026-0001")
    client.force_login(team["alice"])
    response = client.post(f"/pully/permits/{other_town.pk}/follow/", {"follows": "1"})
    assert response.status_code == 404
