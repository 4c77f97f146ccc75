"""The pages: the public agenda searched and filtered (accent-insensitive), an event with its
dates and JSON-LD, the organisers' form (idempotent, clear errors), the moderators' queue, and
the town and organisation boundaries (404)."""

import datetime as dt
import json
import re
import uuid
from html import unescape

import pytest
from django.urls import reverse

from commune.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from commune.agenda.models import DateChange, Event
from commune.agenda.services import events
from commune.agenda.services.events import EventInput
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import EventFactory, VenueFactory


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(name, town="pully", **kwargs):
    return reverse(f"agenda:{name}", kwargs={"town": town, **kwargs})


def titles(response) -> list[str]:
    return [
        unescape(t)
        for t in re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())
    ]


def test_the_agenda_lists_coming_dates_in_order_with_pagination(client, in_town, venue):
    EventFactory(municipality=in_town, venue=venue, title="Thé dansant")  # 10 Wednesdays
    EventFactory(
        municipality=in_town,
        venue=venue,
        title="Marché",
        rrule="",
        starts_at=at(2026, 10, 8, 8),
        category="market",
    )
    # when
    response = client.get(url("list"))
    # then
    assert response.status_code == 200
    found = titles(response)
    assert found[:3] == ["Thé dansant", "Marché", "Thé dansant"]
    assert len(found) == 11
    # 20 per page
    for n in range(2):
        EventFactory(municipality=in_town, venue=venue, title=f"Atelier {n}")
    first, second = client.get(url("list")), client.get(url("list") + "?page=2")
    assert len(titles(first)) == 20 and len(titles(second)) == 11


def test_search_is_accent_insensitive_both_ways(client, in_town, venue, member, association):
    event = events.event_create(
        municipality=in_town,
        user=member,
        organisation=association,
        key=uuid.uuid4(),
        data=EventInput(
            title="Fête de l'Été",
            category="culture",
            venue=venue,
            start=at(2026, 10, 7, 18),
            duration=dt.timedelta(hours=3),
        ),
    )
    Event.objects.filter(pk=event.pk).update(status="published")
    EventFactory(municipality=in_town, venue=venue, title="Loto")
    for query in ("fete", "FÊTE été", "ete"):
        assert titles(client.get(url("list"), {"q": query})) == ["Fête de l'Été"], query
    assert titles(client.get(url("list"), {"q": "fete loto"})) == []


def test_filters_category_audience_free_neighbourhood_accessibility_and_dates(
    client, in_town, venue
):
    bare = VenueFactory(municipality=in_town, step_free=False, hearing_loop=False)
    EventFactory(
        municipality=in_town,
        venue=venue,
        title="A",
        rrule="",
        audiences=["seniors"],
        neighbourhood="Rosiaz",
        category="sport",
    )
    EventFactory(
        municipality=in_town,
        venue=bare,
        title="B",
        rrule="",
        audiences=["families"],
        price_kind="amount",
        price_amount=5,
        category="sport",
        starts_at=at(2026, 11, 4),
    )
    EventFactory(
        municipality=in_town,
        venue=venue,
        title="C",
        rrule="",
        category="music",
        starts_at=at(2026, 12, 2),
    )
    cases = {
        "category=sport": ["A", "B"],
        "audience=families": ["B"],
        "free=on": ["A", "C"],
        "neighbourhood=Rosiaz": ["A"],
        "access=step_free&access=hearing_loop": ["A", "C"],
        "start=01.11.2026&end=30.11.2026": ["B"],
        "start=2026-12-01": ["C"],
    }
    for query, expected in cases.items():
        assert titles(client.get(url("list") + "?" + query)) == expected, query


def test_bad_filters_are_said_and_never_a_500(client, in_town):
    response = client.get(url("list"), {"start": "31.02.2026", "category": "nope", "page": "x"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_the_event_page_shows_each_date_the_venue_access_and_one_jsonld_per_date(
    client, in_town, venue
):
    event = EventFactory(municipality=in_town, venue=venue, rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=3")
    DateChange.objects.create(
        municipality=in_town,
        event=event,
        original_start=at(2026, 10, 14),
        starts_at=at(2026, 10, 15, 10),
    )
    DateChange.objects.create(
        municipality=in_town, event=event, original_start=at(2026, 10, 21), cancelled=True
    )
    # when
    response = client.get(url("event", event_id=event.pk))
    # then
    html = response.content.decode()
    assert "Maison pour Tous" in html
    assert "Boucle magnétique" in html
    # the languages spoken, in words (the page's language switcher once replaced them)
    spoken = re.search(r"Langues parlées</dt><dd>(.*?)</dd>", html).group(1)
    assert spoken == "Français"
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = [json.loads(b) for b in blocks]
    assert [(d["startDate"], d["eventStatus"]) for d in data] == [
        ("2026-10-07T14:00:00+02:00", "https://schema.org/EventScheduled"),
        ("2026-10-15T10:00:00+02:00", "https://schema.org/EventRescheduled"),
        ("2026-10-21T14:00:00+02:00", "https://schema.org/EventCancelled"),
    ]
    for item in data:
        assert item["@type"] == "Event" and item["name"] == event.title
        assert item["location"]["address"]["streetAddress"] == "Avenue du Prieuré 2"
        assert item["location"]["geo"]["latitude"] > 46
    assert data[1]["previousStartDate"] == "2026-10-14"
    assert "webcal://testserver/pully/agenda/activities/" in html


def test_jsonld_cannot_be_closed_by_a_title(client, in_town, venue):
    event = EventFactory(municipality=in_town, venue=venue, title="</script><b>x</b>", rrule="")
    html = client.get(url("event", event_id=event.pk)).content.decode()
    assert "</script><b>" not in html
    assert "\\u003C/script\\u003E" in html


def test_another_towns_event_and_venue_are_404(client, in_town, town_b):
    with scope(town_b):
        foreign = EventFactory(municipality=town_b)
    for name, kwargs in [
        ("event", {"event_id": foreign.pk}),
        ("event-ical", {"event_id": foreign.pk}),
        ("venue", {"venue_id": foreign.venue_id}),
        ("venue-ical", {"venue_id": foreign.venue_id}),
    ]:
        assert client.get(url(name, **kwargs)).status_code == 404, name


def test_a_draft_is_not_public_and_another_organisations_draft_is_404(
    client, in_town, venue, member, association
):
    other = OrganisationFactory(name="Autre association")
    draft = EventFactory(municipality=in_town, venue=venue, status="draft", organisation=other)
    assert client.get(url("event", event_id=draft.pk)).status_code == 404
    client.force_login(member)
    assert client.get(url("edit", event_id=draft.pk)).status_code == 404
    assert client.post(url("submit", event_id=draft.pk)).status_code == 404
    own = EventFactory(municipality=in_town, venue=venue, status="draft", organisation=association)
    assert client.get(url("edit", event_id=own.pk)).status_code == 200


def form_data(venue, **extra) -> dict:
    data = {
        "organiser": "",
        "title": "Marche du mardi",
        "description": "Une heure à pied, au bord du lac.",
        "category": "outing",
        "audiences": ["seniors"],
        "languages": ["fr"],
        "price_kind": "free",
        "venue": venue.pk,
        "date": "06.10.2026",
        "time": "09:30",
        "duration_minutes": "60",
        "kind": "monthly",
        "ordinal": "1",
        "month_weekday": "1",
        "count": "6",
        "key": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_a_member_announces_a_monthly_first_tuesday_once_even_if_posted_twice(
    client, in_town, venue, member, association
):
    client.force_login(member)
    data = form_data(venue, organiser=str(association.pk))
    # when
    first = client.post(url("new"), data)
    second = client.post(url("new"), data)
    # then
    assert first.status_code == second.status_code == 302
    event = Event.objects.get()
    assert first["Location"] == second["Location"] == url("edit", event_id=event.pk)
    assert event.rrule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=6"
    assert event.organisation == association and event.status == "draft"
    # the form shows the rule back as it was entered
    page = client.get(url("edit", event_id=event.pk)).content.decode()
    assert re.search(r'value="monthly"[^>]*checked', page)
    assert re.search(r'name="count" value="6"', page)


def test_the_form_says_what_is_wrong_in_french_and_saves_nothing(
    client, in_town, venue, member, association
):
    client.force_login(member)
    response = client.post(
        url("new"),
        form_data(
            venue, organiser=str(association.pk), kind="weekly", count="", price_kind="amount"
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Donnez le prix" in html or "Give the price" in html
    assert Event.objects.count() == 0


def test_someone_without_an_organisation_cannot_announce(client, in_town):
    client.force_login(UserFactory())
    assert client.get(url("new")).status_code == 403


def test_the_queue_is_for_moderators_only(client, staff_client, in_town, venue, moderator):
    submitted = EventFactory(municipality=in_town, venue=venue, status="submitted")
    client.force_login(UserFactory())
    assert client.get(url("queue")).status_code == 403
    other_staff = MembershipFactory(municipality=in_town, role="permit_officer").user
    officer = staff_client(other_staff)
    assert officer.get(url("queue")).status_code == 403
    assert officer.get(url("moderate", event_id=submitted.pk)).status_code in (403, 404)


def test_the_moderator_publishes_and_rejects_from_the_queue(
    staff_client, in_town, venue, moderator
):
    one = EventFactory(municipality=in_town, venue=venue, status="submitted", title="Un")
    two = EventFactory(municipality=in_town, venue=venue, status="submitted", title="Deux")
    draft = EventFactory(municipality=in_town, venue=venue, status="draft", title="Brouillon")
    client = staff_client(moderator)
    page = client.get(url("queue")).content.decode()
    assert "Un" in page and "Deux" in page and "Brouillon" not in page
    assert client.get(url("moderate", event_id=draft.pk)).status_code == 404
    # when
    client.post(url("moderate", event_id=one.pk), {"action": "publish"})
    empty = client.post(url("moderate", event_id=two.pk), {"action": "reject", "reason": ""})
    client.post(url("moderate", event_id=two.pk), {"action": "reject", "reason": "Date erronée"})
    # then
    assert empty.status_code == 200
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status, two.rejection_reason) == (
        "published",
        "rejected",
        "Date erronée",
    )


def test_an_organiser_moves_and_cancels_single_dates(client, in_town, venue, member, association):
    event = EventFactory(municipality=in_town, venue=venue, organisation=association)
    client.force_login(member)
    client.post(
        url("date", event_id=event.pk),
        {"occurrence": "20261014T1400", "new_date": "15.10.2026", "new_time": "10:00"},
    )
    client.post(url("date", event_id=event.pk), {"occurrence": "20261021T1400", "cancelled": "on"})
    bad = client.post(
        url("date", event_id=event.pk), {"occurrence": "20261022T1400", "cancelled": "on"}
    )
    assert bad.status_code == 302
    changes = {c.original_start: c for c in DateChange.objects.filter(event=event)}
    assert changes[at(2026, 10, 14)].starts_at == at(2026, 10, 15, 10)
    assert changes[at(2026, 10, 21)].cancelled
    assert len(changes) == 2
