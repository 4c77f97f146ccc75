"""The desk registers a caller for a date of an agenda activity "on behalf of" them, through
the agenda's service: filled in from a known caller, told by the agenda's channels (here a
letter: a landline and an address), the coordinator only (others 403), another town's event
a 404, a wrong number a 400 with the form in French, and a second POST no second record."""

import datetime as dt

import pytest

from commune.accounts.tests.factories import MembershipFactory
from commune.agenda.models import Registration
from commune.agenda.models.registration import RegistrationLetter
from commune.agenda.tests.factories import EventFactory
from commune.tenants.scoping import scope

from .conftest import NOW, ZURICH

pytestmark = pytest.mark.clock
WEDNESDAY = dt.datetime(2026, 11, 11, 14, tzinfo=ZURICH)


@pytest.fixture
def event(town):
    return EventFactory(municipality=town, capacity=5, title="Thé dansant")


def test_the_coordinator_registers_a_caller_for_an_activity_date(
    staff_client, coordinator, caller, event, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    desk = staff_client(coordinator)
    page = f"/pully/help/desk/agenda/{event.pk}/"
    # the event's page offers it under each date, the form comes filled in from the caller
    shown = desk.get(f"/pully/agenda/activities/{event.pk}/").content.decode()
    assert f"{page}?occurrence=20261111T1400" in shown
    form = desk.get(f"{page}?occurrence=20261111T1400&caller={caller.pk}").content.decode()
    assert "Germaine Pittet" in form and "Chemin de la Rosiaz 7" in form
    assert 'value="20261111T1400" selected' in form
    # a wrong number: 400, the form in French
    wrong = desk.post(page, {"occurrence": "20261111T1400", "name": "G", "phone": "021 55",
                             "channel": "phone"})  # fmt: skip
    assert wrong.status_code == 400 and "suisse" in wrong.content.decode()
    data = {
        "occurrence": "20261111T1400",
        "name": "Germaine Pittet",
        "phone": "021 555 99 99",
        "address": "Chemin de la Rosiaz 7\n1009 Pully",
        "channel": "phone",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = desk.post(page, data, follow=True)
    assert "lettre de confirmation" in done.content.decode()
    [registration] = Registration.objects.all()
    assert (registration.original_start, registration.channel) == (WEDNESDAY, "phone")
    assert registration.registered_by == coordinator and registration.status == "confirmed"
    assert RegistrationLetter.objects.filter(registration=registration).count() == 1


def test_only_the_coordinator_and_only_this_towns_events(
    staff_client, coordinator, event, town_b, time_machine
):
    time_machine.move_to(NOW, tick=False)
    other = MembershipFactory(municipality=event.municipality, role="agenda_moderator").user
    assert staff_client(other).get(f"/pully/help/desk/agenda/{event.pk}/").status_code == 403
    with scope(town_b):
        lutry = EventFactory(municipality=town_b, capacity=5)
    desk = staff_client(coordinator)
    assert desk.get(f"/pully/help/desk/agenda/{lutry.pk}/").status_code == 404
    assert desk.post(f"/pully/help/desk/agenda/{lutry.pk}/", {}).status_code == 404
    draft = EventFactory(municipality=event.municipality, capacity=5, status="draft")
    assert desk.get(f"/pully/help/desk/agenda/{draft.pk}/").status_code == 404
