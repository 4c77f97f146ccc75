"""Every agenda URL that carries an id, called by someone holding every role in Pully (second
factor passed) and acting for the event's organisation, with Lutry's ids: 404, GET and POST."""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.agenda.models import Registration
from commune.agenda.models.registration import RegistrationCall, RegistrationLetter
from commune.tenants.scoping import scope

from .factories import EventFactory

TODAY = dt.date(2026, 9, 1)


def agenda_routes() -> list[tuple[str, list[str]]]:
    resolver = get_resolver()
    found = []
    namespace = resolver.namespace_dict["agenda"][1]
    for name in {n for n in namespace.reverse_dict if isinstance(n, str)}:
        kwargs = namespace.reverse_dict.getlist(name)[0][0][0][1]
        found.append((name, [k for k in kwargs if k != "town"]))
    return sorted(r for r in found if r[1])


@pytest.fixture
def everything_in_pully(staff_client, town_a):
    user = UserFactory()
    with scope(town_a):
        for role in (Role.AGENDA_MODERATOR, Role.MUNICIPALITY_ADMIN):
            Membership.objects.create(municipality=town_a, user=user, role=role)
    return user, staff_client(user)


def test_every_agenda_url_with_another_towns_id_is_404(everything_in_pully, town_a, town_b):
    user, client = everything_in_pully
    association = OrganisationFactory()
    add_member(association, user)
    with scope(town_b):
        event = EventFactory(municipality=town_b, organisation=association, status="submitted")
        registration = Registration.objects.create(
            municipality=town_b,
            event=event,
            original_start=event.starts_at,
            name="Lutry",
            status="offered",
            offered_until=event.starts_at,
        )
        RegistrationLetter.objects.create(
            municipality=town_b, registration=registration, kind="offered", printed_on=TODAY
        )
        call = RegistrationCall.objects.create(
            municipality=town_b,
            registration=registration,
            kind="offered",
            reason="no_channel",
            message="Lutry",
        )
    ids = {
        "event_id": event.pk,
        "venue_id": event.venue_id,
        "registration_id": registration.pk,
        "call_id": call.pk,
        "day": TODAY.isoformat(),  # the day of a batch printed in Lutry only
    }
    routes = agenda_routes()
    assert len(routes) >= 10, routes
    failures = []
    for name, kwargs in routes:
        path = reverse(f"agenda:{name}", kwargs={"town": "pully", **{k: ids[k] for k in kwargs}})
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status not in (404, 405):
                failures.append(f"{method.upper()} {path} -> {status}")
    assert not failures, failures
