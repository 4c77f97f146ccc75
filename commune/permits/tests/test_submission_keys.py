"""The request form's submission key (issue 7): a key belongs to the person who sends the form.
Another person sending the same key gets a request of their own and nothing of the first; the
same form sent twice is one request; the same key with other data is refused with a message."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from commune.accounts.tests.factories import UserFactory
from commune.permits.models import PermitRequest
from commune.tenants.scoping import scope

from .conftest import MONDAY, at
from .factories import rect_geojson, town_settings
from .test_views import form_data

NEW = "/pully/permits/new/"
NOW = at(MONDAY)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """Every call of the test reads the same explicit time: Monday 4 May 2026, 9:00 in Pully."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def victim(db):
    return UserFactory(full_name="Luc Favre")


@pytest.fixture
def intruder(db):
    return UserFactory(full_name="Eve Intrus")


@pytest.fixture
def town(town_a):
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10)
    return town_a


def draft_data(town, **overrides):
    """The form's data for "save the draft" (no submit button)."""
    data = form_data(town, **overrides)
    del data["submit"]
    return data


def send(client, user, data):
    client.force_login(user)
    return client.post(NEW, data)


def requests_of(town, user) -> list[PermitRequest]:
    with scope(town):
        return list(PermitRequest.objects.filter(applicant=user).order_by("pk"))


def test_a_key_squatted_by_someone_else_still_files_the_owners_request(
    client, town, victim, intruder
):
    # given: an intruder saved a draft under the key the victim's form carries
    key = str(uuid.uuid4())
    send(client, intruder, draft_data(town, submission_key=key, description="Piège"))
    # when: the victim sends the form with that key
    response = send(client, victim, form_data(town, submission_key=key))
    # then: the victim's own request is filed and opens for them; the draft is untouched
    [own] = requests_of(town, victim)
    [squat] = requests_of(town, intruder)
    assert own.status != PermitRequest.Status.DRAFT and own.reference
    assert response.status_code == 302 and response["Location"] == f"/pully/permits/{own.pk}/"
    assert client.get(response["Location"]).status_code == 200
    assert squat.status == PermitRequest.Status.DRAFT and squat.description == "Piège"


def test_sending_someone_elses_key_shows_nothing_of_their_request(client, town, victim, intruder):
    # given: the victim's request is filed
    key = str(uuid.uuid4())
    send(client, victim, form_data(town, submission_key=key))
    [filed] = requests_of(town, victim)
    # when: the intruder, in their own browser, sends a form with the same key (far away, so
    # that no check finds the two works near each other)
    browser = Client()
    far = form_data(town, submission_key=key, geometry=rect_geojson(town, 1500, 1500))
    response = send(browser, intruder, far)
    # then: the intruder gets a request of their own; no link, no reference of the victim's
    [own] = requests_of(town, intruder)
    assert response["Location"] == f"/pully/permits/{own.pk}/"
    page = browser.get(response["Location"]).content.decode()
    assert filed.reference not in page and own.reference in page


def test_the_same_form_sent_twice_is_one_request(client, town, victim):
    data = form_data(town)
    first = send(client, victim, data)
    second = send(client, victim, data)
    [only] = requests_of(town, victim)
    assert first["Location"] == second["Location"] == f"/pully/permits/{only.pk}/"


def test_the_same_key_with_other_data_is_refused_with_a_message_and_saves_nothing(
    client, town, victim
):
    # given: a request sent with a key
    data = form_data(town)
    send(client, victim, data)
    [first] = requests_of(town, victim)
    # when: the form comes back (browser's back button) with other data and the same key
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    changed = {**data, "description": "Autre chose", "geometry": rect_geojson(town, 400, 400)}
    response = client.post(NEW, changed)
    # then: a clear message, nothing saved, the first request unchanged
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce formulaire a déjà été envoyé avec d" in page, page
    assert first.reference in page
    assert [p.pk for p in requests_of(town, victim)] == [first.pk]
    first.refresh_from_db()
    assert first.description == "Fibre optique"
    # and: the form now carries a new key, so sending it again files a second request
    fresh = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    assert fresh != data["submission_key"]
    again = client.post(NEW, {**changed, "submission_key": fresh})
    assert again.status_code == 302
    assert len(requests_of(town, victim)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sent_at_the_same_moment_is_one_request(town, victim):
    # given: the same form, about to be sent twice at once (two connections to the database)
    data = form_data(town)
    start = threading.Barrier(2)
    locations: list[str] = []

    def click():
        browser = Client()
        browser.force_login(victim)
        start.wait()
        try:
            locations.append(browser.post(NEW, data)["Location"])
        finally:
            connection.close()

    # when: both arrive together
    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: one request, and both clicks lead to it
    [only] = requests_of(town, victim)
    assert locations == [f"/pully/permits/{only.pk}/"] * 2
    assert only.status != PermitRequest.Status.DRAFT
