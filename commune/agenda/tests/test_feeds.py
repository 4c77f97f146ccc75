"""The feeds read back by a reader we did not write (recurring-ical-events): the dates it
expands equal ours, 14:00 local on both sides of the DST switches, the moved date once at its
new time, the cancelled one not at all; RFC 5545/7986 properties; RSS 2.0."""

import datetime as dt

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse
from lxml import etree

from commune.agenda.models import ZURICH, DateChange
from commune.agenda.services.dates import event_occurrences
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import EventFactory, VenueFactory


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(name, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"town": "pully", **kwargs})


@pytest.fixture
def weekly(in_town, venue):
    """Wednesdays 14:00 from October 2026 to April 2027, one date moved, one cancelled, one
    held elsewhere."""
    event = EventFactory(
        municipality=in_town,
        venue=venue,
        title="Thé dansant",
        rrule="FREQ=WEEKLY;BYDAY=WE;UNTIL=20270430T215959Z",
    )
    hall = VenueFactory(municipality=in_town, name="Grande salle")
    DateChange.objects.create(
        municipality=in_town,
        event=event,
        original_start=at(2026, 11, 11),
        starts_at=at(2026, 11, 12, 10),
    )
    DateChange.objects.create(
        municipality=in_town, event=event, original_start=at(2026, 12, 23), cancelled=True
    )
    DateChange.objects.create(
        municipality=in_town, event=event, original_start=at(2027, 4, 7), venue=hall
    )
    return event


def read(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


def test_the_event_feed_expands_in_another_reader_to_our_dates_at_14h_local(client, weekly):
    # when
    response = client.get(url("event-ical", event_id=weekly.pk))
    # then
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    theirs = recurring_ical_events.of(read(response)).between((2026, 9, 1), (2027, 6, 1))
    ours = [
        o
        for o in event_occurrences(event=weekly, after=NOW, before=at(2027, 6, 1))
        if not o.cancelled
    ]
    assert [e["DTSTART"].dt for e in theirs] == [o.start for o in ours]
    starts = [e["DTSTART"].dt.astimezone(ZURICH) for e in theirs]
    assert len(starts) == 29  # 30 Wednesdays, one cancelled
    assert at(2026, 12, 23) not in starts
    assert starts.count(at(2026, 11, 12, 10)) == 1 and at(2026, 11, 11) not in starts
    normal = [s for s in starts if s != at(2026, 11, 12, 10)]
    assert {(s.hour, s.minute) for s in normal} == {(14, 0)}
    assert {s.utcoffset() for s in normal} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    elsewhere = next(e for e in theirs if e["DTSTART"].dt == at(2027, 4, 7))
    assert "Grande salle" in str(elsewhere["LOCATION"])


def test_the_feed_says_tzid_local_times_with_a_vtimezone_never_utc_with_a_rule(client, weekly):
    text = client.get(url("event-ical", event_id=weekly.pk)).content.decode()
    assert "DTSTART;TZID=Europe/Zurich:20261007T140000" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Zurich" in text
    assert "RECURRENCE-ID;TZID=Europe/Zurich:20261111T140000" in text
    assert "EXDATE;TZID=Europe/Zurich:20261223T140000" in text
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270430T215959Z;BYDAY=WE" in text
    assert "NAME:Thé dansant" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in text
    for vevent in icalendar.Calendar.from_ical(text).walk("VEVENT"):
        assert vevent["DTSTART"].params["TZID"] == "Europe/Zurich"


def test_town_category_and_venue_feeds_select_their_events(client, in_town, weekly, venue):
    concert = EventFactory(municipality=in_town, title="Concert", category="music", rrule="")
    draft = EventFactory(municipality=in_town, title="Brouillon", status="draft", rrule="")

    def summaries(response):
        return {str(e["SUMMARY"]) for e in read(response).walk("VEVENT")}

    assert summaries(client.get(url("ical"))) == {"Thé dansant", "Concert"}
    assert summaries(client.get(url("ical"), {"category": "music"})) == {"Concert"}
    assert summaries(client.get(url("venue-ical", venue_id=concert.venue_id))) == {"Concert"}
    hall = weekly.changes.exclude(venue=None).get().venue
    assert summaries(client.get(url("venue-ical", venue_id=hall.pk))) == {"Thé dansant"}
    assert draft.title not in client.get(url("ical")).content.decode()


def test_another_towns_events_never_reach_the_feeds(client, in_town, town_b, weekly):
    with scope(town_b):
        EventFactory(municipality=town_b, title="Secret de Lutry")
    assert "Secret de Lutry" not in client.get(url("ical")).content.decode()
    assert "Secret de Lutry" not in client.get(url("rss")).content.decode()


def test_the_agenda_page_gives_https_and_webcal_links_with_its_filters(client, weekly):
    html = client.get(url("list"), {"category": "meal"}).content.decode()
    assert 'href="http://testserver/pully/agenda/agenda.ics?category=meal"' in html
    assert 'href="webcal://testserver/pully/agenda/agenda.ics?category=meal"' in html


def test_the_rss_feed_lists_coming_dates(client, weekly):
    response = client.get(url("rss"))
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(response.content, parser)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("channel/item")
    assert len(items) == 30
    assert (
        items[0].findtext("link").endswith(f"/pully/agenda/activities/{weekly.pk}/#d20261007T1400")
    )
