"""A person's own registration from the event's page: shown date by date, a place offered
taken before its deadline, a registration cancelled (the place offered to the next); someone
else's registration, or one in another town, is a 404; a late answer is said, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from commune.accounts.tests.factories import UserFactory
from commune.agenda.models import Registration
from commune.agenda.services.registrations import OFFER_TIME, registration_create
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import EventFactory

pytestmark = pytest.mark.clock

WEDNESDAY = at(2026, 10, 14)


@pytest.fixture
def event(in_town, venue):
    return EventFactory(municipality=in_town, venue=venue, capacity=1)


def register(event, user):
    return registration_create(
        event=event, original_start=WEDNESDAY, name=user.full_name, user=user, now=NOW
    )


def url(event, registration, action):
    return reverse(
        f"agenda:registration-{action}",
        kwargs={"town": "pully", "event_id": event.pk, "registration_id": registration.pk},
    )


def test_the_person_offered_a_place_sees_until_when_and_takes_it(client, event, time_machine):
    # given: Anne holds the place, Bruno waits, Anne cancels from the page
    time_machine.move_to(NOW, tick=False)
    anne, bruno = UserFactory(full_name="Anne"), UserFactory(full_name="Bruno")
    first, second = register(event, anne), register(event, bruno)
    client.force_login(anne)
    response = client.post(url(event, first, "cancel"))
    assert response.status_code == 302 and response["Location"].endswith("#d20261014T1400")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("cancelled", "offered")
    # when: Bruno opens the event's page
    client.force_login(bruno)
    page = client.get(reverse("agenda:event", kwargs={"town": "pully", "event_id": event.pk}))
    # then: his date says the place is kept for him until a day later, and he takes it
    html = page.content.decode()
    assert "Mercredi 2 septembre 2026, 09:00" in html  # NOW + 24 h
    assert url(event, second, "confirm") in html
    assert url(event, first, "confirm") not in html
    client.post(url(event, second, "confirm"))
    second.refresh_from_db()
    assert second.status == "confirmed"


def test_an_offer_taken_too_late_is_refused_in_words(client, event, time_machine):
    time_machine.move_to(NOW, tick=False)
    anne, bruno = UserFactory(full_name="Anne"), UserFactory(full_name="Bruno")
    first, second = register(event, anne), register(event, bruno)
    client.force_login(anne)
    client.post(url(event, first, "cancel"))
    # when: Bruno answers after the deadline, before the job expired the offer
    time_machine.move_to(NOW + OFFER_TIME + dt.timedelta(minutes=1), tick=False)
    client.force_login(bruno)
    response = client.post(url(event, second, "confirm"), follow=True)
    # then
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][-1] == "Cette offre n'est plus valable."
    second.refresh_from_db()
    assert second.status == "offered"


def test_someone_elses_registration_or_another_towns_is_404_and_needs_a_post(client, event, town_b):
    anne, bruno = UserFactory(full_name="Anne"), UserFactory(full_name="Bruno")
    annes = register(event, anne)
    client.force_login(bruno)
    assert client.post(url(event, annes, "cancel")).status_code == 404
    assert client.post(url(event, annes, "confirm")).status_code == 404
    client.force_login(anne)
    assert client.get(url(event, annes, "cancel")).status_code == 405
    with scope(town_b):
        elsewhere = EventFactory(municipality=town_b, capacity=3)
        theirs = registration_create(
            event=elsewhere, original_start=WEDNESDAY, name="Anne", user=anne, now=NOW
        )
    assert client.post(url(elsewhere, theirs, "cancel")).status_code == 404
    annes.refresh_from_db()
    assert annes.status == Registration.Status.CONFIRMED


def test_nobody_logged_in_is_sent_to_log_in(client, event):
    anne = UserFactory(full_name="Anne")
    annes = register(event, anne)
    response = client.post(url(event, annes, "cancel"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
