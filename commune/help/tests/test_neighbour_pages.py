"""The neighbours' pages over HTTP: joining, the letter's code typed in, the rules to accept
before the first post, a post sent twice saved once, bad input answered without a 500."""

import re

import pytest
from django.utils import timezone

from commune.accounts.tests.factories import UserFactory
from commune.help.models import Neighbour, Post
from commune.help.services import neighbours

from .conftest import neighbour


def test_a_resident_joins_with_their_address(client, rosiaz):
    user = UserFactory(full_name="Nina Neuve")
    client.force_login(user)
    assert client.get("/pully/help/join/").status_code == 200
    values = {
        "neighbourhood": rosiaz.pk,
        "address": "Chemin du Coteau 3",
        "postcode": "1009",
        "locality": "Pully",
        "phone": "",
        "channel": "post",
    }
    assert client.post("/pully/help/join/", {**values, "postcode": "10x9"}).status_code == 200
    assert Neighbour.objects.count() == 0
    assert client.post("/pully/help/join/", values).status_code == 302
    assert Neighbour.objects.get().status == "pending"


@pytest.mark.clock
def test_the_code_typed_on_the_page_verifies_and_a_wrong_one_says_so(client, rosiaz):
    pending = neighbour(rosiaz, "Paul Pending", verified=False)
    letter = neighbours.code_issue(neighbour=pending, actor=None, now=timezone.now())
    client.force_login(pending.user)
    wrong = client.post("/pully/help/verify/", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 400 and "errorlist" in wrong.content.decode()
    right = client.post("/pully/help/verify/", {"code": letter.code})
    assert right.status_code == 302
    pending.refresh_from_db()
    assert pending.is_verified


def _new_form(client):
    body = client.get("/pully/help/new/").content.decode()
    return re.search(r'name="key" value="([^"]+)"', body).group(1)


def test_the_first_post_needs_the_rules_and_a_double_post_saves_one(client, alice):
    client.force_login(alice.user)
    values = {
        "direction": "request",
        "category": "shopping",
        "title": "Courses",
        "key": _new_form(client),
    }
    refused = client.post("/pully/help/new/", values)
    assert refused.status_code == 200 and 'id="id_rules_error"' in refused.content.decode()
    assert Post.objects.count() == 0
    first = client.post("/pully/help/new/", {**values, "rules": "on"})
    second = client.post("/pully/help/new/", {**values, "rules": "on"})
    assert first.status_code == second.status_code == 302
    assert Post.objects.count() == 1
    # the rules accepted once, the next form no longer asks
    assert 'name="rules"' not in client.get("/pully/help/new/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"category": "money"},
        {"radius_m": "99999999999999999999"},
        {"date_from": "31.02.2026"},
        {"title": "x" * 500},
        {"description": "Donnez-moi votre IBAN"},
    ],
)
def test_bad_input_is_a_form_error_never_a_500_nor_a_post(client, alice, bad):
    client.force_login(alice.user)
    values = {"direction": "request", "category": "shopping", "title": "Courses", "rules": "on"}
    response = client.post("/pully/help/new/", {**values, **bad, "key": _new_form(client)})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Post.objects.count() == 0


def test_an_unverified_resident_cannot_open_the_new_post_form(client, rosiaz):
    pending = neighbour(rosiaz, "Paul Pending", verified=False)
    client.force_login(pending.user)
    assert client.get("/pully/help/new/").status_code == 404


def test_the_town_shows_help_in_its_navigation_and_home_only_when_switched_on(
    client, town, alice, staff_client, coordinator
):
    client.force_login(alice.user)
    home = client.get("/pully/").content.decode()
    assert 'href="/pully/help/"' in home and 'href="/pully/help/join/"' in home
    assert 'href="/pully/help/desk/"' not in home
    assert 'href="/pully/help/desk/"' in staff_client(coordinator).get("/pully/").content.decode()
    town.modules = [m for m in town.modules if m != "help"]
    town.save(update_fields=["modules"])
    client.force_login(alice.user)
    assert 'href="/pully/help/' not in client.get("/pully/").content.decode()


def test_an_anonymous_visitor_is_invited_to_log_in(client, town):
    body = client.get("/pully/help/").content.decode()
    assert "/accounts/login/?next=/pully/help/" in body


def test_accompany_me_from_an_agenda_event_fills_the_activity_in(client, alice):
    from commune.agenda.tests.factories import EventFactory  # noqa: PLC0415 - this test only

    event = EventFactory(municipality=alice.municipality, title="Thé dansant")
    client.force_login(alice.user)
    body = client.get(f"/pully/help/new/?event={event.pk}").content.decode()
    assert f'<option value="{event.pk}" selected>Thé dansant</option>' in body
    assert client.get("/pully/help/new/?event=abc").status_code == 200
