"""Each date's JSON-LD on an event's page is a schema.org Event by schema.org's own vocabulary
(schema_org.py): its name, its start with the offset, its place with an address, its status —
scheduled, rescheduled (with the date it had), cancelled — and, for an activity with
registration, its places and whether the offer is sold out (schema.org's way to say "full": it
has no such event status)."""

import json
import re

import pytest
from django.urls import reverse

from commune.agenda.models import DateChange, PriceKind, Registration

from .conftest import NOW, at
from .factories import EventFactory, RegistrationFactory
from .schema_org import problems

SCHEMA = "https://schema.org/"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def blocks(client, event) -> list[dict]:
    page = client.get(reverse("agenda:event", kwargs={"town": "pully", "event_id": event.pk}))
    assert page.status_code == 200
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    return [json.loads(block) for block in found]


@pytest.fixture
def activity(in_town, venue):
    """Four Wednesdays at 14:00 with two places each, CHF 12: the first date full (one place
    taken, one offered to the first waiting), the second moved to Thursday 10:00, the third
    cancelled, the fourth with one place taken and one person's cancellation."""
    event = EventFactory(
        municipality=in_town,
        venue=venue,
        title="Atelier mémoire",
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4",
        capacity=2,
        price_kind=PriceKind.AMOUNT,
        price_amount="12.00",
    )
    first, second, third, fourth = (at(2026, 10, d) for d in (7, 14, 21, 28))
    DateChange.objects.create(
        municipality=in_town, event=event, original_start=second, starts_at=at(2026, 10, 15, 10)
    )
    DateChange.objects.create(
        municipality=in_town, event=event, original_start=third, cancelled=True
    )
    status = Registration.Status
    for start, kind in [
        (first, status.CONFIRMED),
        (first, status.OFFERED),
        (first, status.WAITING),
        (fourth, status.CONFIRMED),
        (fourth, status.CANCELLED),
        (fourth, status.EXPIRED),
    ]:
        RegistrationFactory(municipality=in_town, event=event, original_start=start, status=kind)
    return event


def test_every_date_is_a_schema_org_event(client, activity):
    data = blocks(client, activity)
    assert len(data) == 4
    for item in data:
        assert item["@context"] == "https://schema.org"
        assert problems(item, "Event") == []
        assert item["name"] == "Atelier mémoire"
        assert item["location"]["address"]["streetAddress"] == "Avenue du Prieuré 2"
    assert [(d["startDate"], d["eventStatus"]) for d in data] == [
        ("2026-10-07T14:00:00+02:00", SCHEMA + "EventScheduled"),
        ("2026-10-15T10:00:00+02:00", SCHEMA + "EventRescheduled"),
        ("2026-10-21T14:00:00+02:00", SCHEMA + "EventCancelled"),
        ("2026-10-28T14:00:00+01:00", SCHEMA + "EventScheduled"),
    ]
    assert data[1]["previousStartDate"] == "2026-10-14"


def test_a_full_date_is_sold_out_and_the_others_say_their_places(client, activity):
    full, moved, cancelled, last = blocks(client, activity)
    # the offered place is held until answered; the one waiting holds none
    assert full["remainingAttendeeCapacity"] == 0
    assert full["offers"]["availability"] == SCHEMA + "SoldOut"
    assert moved["remainingAttendeeCapacity"] == 2
    assert moved["offers"]["availability"] == SCHEMA + "InStock"
    # a cancelled or expired registration frees its place
    assert last["remainingAttendeeCapacity"] == 1
    assert {full["maximumAttendeeCapacity"], moved["maximumAttendeeCapacity"]} == {2}
    assert "remainingAttendeeCapacity" not in cancelled
    assert "availability" not in cancelled["offers"]
    assert cancelled["offers"]["price"] == "12.00" and cancelled["offers"]["priceCurrency"] == "CHF"


def test_the_page_says_full_and_offers_the_waiting_list(client, activity):
    page = client.get(reverse("agenda:event", kwargs={"town": "pully", "event_id": activity.pk}))
    dates = re.findall(r'<li id="d\d{8}T\d{4}">(.*?)</li>', page.text, re.S)
    text = [re.sub(r"<[^>]+>|\s+", " ", d) for d in dates]
    assert "Complet" in text[0] and "2 places" not in text[0]
    assert "2 places restantes" in text[1] and "Complet" not in text[1]
    assert "Complet" not in text[2] and "restante" not in text[2]
    assert "1 place restante" in text[3]


@pytest.mark.parametrize(
    ("price", "offer"),
    [
        ({"price_kind": PriceKind.FREE}, {"price": "0", "priceCurrency": "CHF"}),
        ({"price_kind": PriceKind.ON_SITE}, None),
    ],
)
def test_a_free_activity_costs_nothing_and_one_paid_on_site_states_no_price(
    client, in_town, venue, price, offer
):
    event = EventFactory(municipality=in_town, venue=venue, rrule="", capacity=None, **price)
    (item,) = blocks(client, event)
    assert problems(item, "Event") == []
    assert "remainingAttendeeCapacity" not in item
    if offer is None:
        assert "offers" not in item
    else:
        assert {k: item["offers"][k] for k in offer} == offer


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"eventStatus": SCHEMA + "EventFull"}, "is not a EventStatusType"),
        ({"eventStatus": SCHEMA + "SoldOut"}, "is not a EventStatusType"),
        ({"startDate": "2026-10-07T14:00:00"}, "is not a Date or DateTime"),
        ({"startDate": "7.10.2026"}, "is not a Date or DateTime"),
        ({"startdate": "2026-10-07T14:00:00+02:00"}, "schema.org has no property 'startdate'"),
        ({"streetAddress": "Avenue du Prieuré 2"}, "not a property of Event"),
        ({"location": {"@type": "Organization", "name": "x"}}, "a Organization is not a"),
        ({"location": {"@type": "Plac", "name": "x"}}, "'Plac' is not a schema.org type"),
        ({"remainingAttendeeCapacity": "0"}, "is not a Integer"),
        ({"remainingAttendeeCapacity": 0.5}, "is not a Integer"),
        ({"isAccessibleForFree": "false"}, "is not a Boolean"),
        ({"offers": {"@type": "Offer", "availability": "SoldOut"}}, "is not a ItemAvailability"),
        ({"previousStartDate": "2026-10-14T14:00:00+02:00"}, "is not a Date"),
        ({"url": "page"}, "is not a URL"),
    ],
)
def test_the_check_finds_what_schema_org_does_not_allow(client, activity, change, expected):
    """The check can fail: each change of a valid date makes one problem it names."""
    item = blocks(client, activity)[0] | change
    (problem,) = problems(item, "Event")
    assert expected in problem


def test_a_cancelled_activity_offers_no_place(client, activity):
    activity.status = activity.Status.CANCELLED
    activity.save()
    data = blocks(client, activity)
    assert {d["eventStatus"] for d in data} == {SCHEMA + "EventCancelled"}
    assert not any("remainingAttendeeCapacity" in d or "availability" in d["offers"] for d in data)
    assert all(problems(d, "Event") == [] for d in data)
