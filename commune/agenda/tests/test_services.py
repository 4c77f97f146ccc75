"""The services: an event entered with the simple recurrence, its moderation (mails over a real
SMTP server), a trusted organisation, single-date changes, refusals without half-saves."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from commune.agenda import recurrence, workflow
from commune.agenda.models import DateChange, Event
from commune.agenda.services import dates, events
from commune.agenda.services.dates import event_occurrences
from commune.agenda.services.events import EventInput
from commune.core.models import AuditEntry
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import VenueFactory


def weekly(venue, **extra) -> EventInput:
    values = {
        "title": "Fête des Aînés",
        "category": "meal",
        "venue": venue,
        "start": at(2026, 10, 7),
        "duration": dt.timedelta(hours=2),
        "audiences": ["seniors"],
        "recurrence": recurrence.Spec(kind="weekly", weekdays=(2,), until=dt.date(2027, 4, 30)),
    }
    values.update(extra)
    return EventInput(**values)


def create(town, member, association, data, key=None) -> Event:
    return events.event_create(
        municipality=town, user=member, organisation=association, data=data, key=key or uuid.uuid4()
    )


def test_a_weekly_event_is_stored_as_a_local_rule_and_its_dates_stay_at_14h(
    in_town, venue, member, association
):
    # when
    event = create(in_town, member, association, weekly(venue))
    # then
    event.refresh_from_db()
    assert event.status == "draft"
    assert event.rrule == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270430T215959Z"
    assert event.search_text.startswith("fete des aines")
    found = event_occurrences(event=event, after=NOW, before=at(2028, 1, 1))
    assert len(found) == 30
    assert {o.start.astimezone(recurrence.ZURICH).time() for o in found} == {dt.time(14)}


def test_the_first_date_is_the_rules_first_when_the_day_typed_is_off_the_rule(
    in_town, venue, member, association
):
    # given: Monday 5 October typed for a Wednesday rule
    data = weekly(venue, start=at(2026, 10, 5))
    # when
    event = create(in_town, member, association, data)
    # then
    assert event.starts_at == at(2026, 10, 7)


def test_the_same_form_posted_twice_creates_one_event(in_town, venue, member, association):
    key = uuid.uuid4()
    first = create(in_town, member, association, weekly(venue), key=key)
    second = create(in_town, member, association, weekly(venue), key=key)
    assert first.pk == second.pk
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"price_kind": "amount"}, "price_amount"),
        ({"duration": dt.timedelta(0)}, "duration"),
        ({"recurrence": recurrence.Spec(kind="weekly", weekdays=(2,))}, "until"),
        ({"recurrence": recurrence.Spec(kind="weekly", until=dt.date(2026, 1, 1))}, "until"),
        ({"recurrence": recurrence.Spec(kind="dates")}, "dates"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(
    in_town, venue, member, association, extra, field
):
    with pytest.raises(ValidationError) as caught:
        create(in_town, member, association, weekly(venue, **extra))
    assert field in caught.value.error_dict
    assert Event.objects.count() == 0


def test_submission_goes_to_the_moderators_who_publish_it(
    in_town,
    venue,
    member,
    association,
    moderator,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    event = create(in_town, member, association, weekly(venue))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        events.event_submit(event=event, user=member, now=NOW)
    # then
    [to_moderator] = smtp_server.wait_for(1)
    assert to_moderator["To"] == moderator.email
    assert "Fête des Aînés" in to_moderator["Subject"]
    assert "/pully/agenda/queue/" in smtp_server.text_of(to_moderator)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        events.event_publish(event=event, moderator=moderator, now=NOW)
    # then
    event.refresh_from_db()
    assert event.status == "published" and event.published_at == NOW
    published = smtp_server.wait_for(2)[1]
    assert published["To"] == member.email
    assert AuditEntry.objects.filter(action="event_publish", object_id=str(event.pk)).exists()


def test_a_rejection_sends_the_moderators_reason_to_every_member_in_their_language(
    in_town,
    venue,
    member,
    colleague,
    association,
    moderator,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    event = create(in_town, member, association, weekly(venue))
    events.event_submit(event=event, user=member, now=NOW)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        events.event_reject(
            event=event, moderator=moderator, reason="Il manque l'adresse d'inscription.", now=NOW
        )
    # then
    messages = smtp_server.wait_for(2)
    assert {m["To"] for m in messages} == {member.email, colleague.email}
    for message in messages:
        assert "Il manque l'adresse d'inscription." in smtp_server.text_of(message)
        assert f"/pully/agenda/mine/{event.pk}/" in smtp_server.text_of(message)
    german = next(m for m in messages if m["To"] == colleague.email)
    assert "Guten Tag" in smtp_server.text_of(german)
    event.refresh_from_db()
    assert event.status == "rejected"
    # and the organiser may correct it and submit it again
    events.event_update(event=event, user=member, data=weekly(venue, title="Fête des Aînés 2"))
    assert events.event_submit(event=event, user=member, now=NOW).status == "submitted"


def test_a_rejection_without_a_reason_is_refused(in_town, venue, member, association, moderator):
    event = create(in_town, member, association, weekly(venue))
    events.event_submit(event=event, user=member, now=NOW)
    with pytest.raises(ValidationError):
        events.event_reject(event=event, moderator=moderator, reason="  ", now=NOW)
    event.refresh_from_db()
    assert event.status == "submitted"


def test_a_trusted_organisations_event_is_published_without_review(
    in_town, venue, member, association, moderator
):
    events.organisation_trust(
        municipality=in_town, organisation=association, moderator=moderator, trusted=True
    )
    event = create(in_town, member, association, weekly(venue))
    # when
    event = events.event_submit(event=event, user=member, now=NOW)
    # then
    assert event.status == "published"


def test_trust_is_per_town(in_town, town_b, venue, member, association, moderator):
    with scope(town_b):
        events.organisation_trust(
            municipality=town_b, organisation=association, moderator=None, trusted=True
        )
    event = create(in_town, member, association, weekly(venue))
    assert events.event_submit(event=event, user=member, now=NOW).status == "submitted"


def test_a_published_event_cannot_be_submitted_or_published_twice(
    in_town, venue, member, association, moderator
):
    event = create(in_town, member, association, weekly(venue))
    events.event_submit(event=event, user=member, now=NOW)
    events.event_publish(event=event, moderator=moderator, now=NOW)
    with pytest.raises(workflow.TransitionNotAllowed):
        events.event_publish(event=event, moderator=moderator, now=NOW)
    with pytest.raises(workflow.TransitionNotAllowed):
        events.event_submit(event=event, user=member, now=NOW)


def test_one_date_moved_one_cancelled_one_elsewhere(in_town, venue, member, association):
    event = create(in_town, member, association, weekly(venue))
    hall = VenueFactory(municipality=in_town, name="Grande salle")
    # when
    dates.event_date_change(
        event=event, user=member, original_start=at(2026, 10, 14), starts_at=at(2026, 10, 15, 10)
    )
    dates.event_date_change(
        event=event, user=member, original_start=at(2026, 10, 21), cancelled=True
    )
    dates.event_date_change(event=event, user=member, original_start=at(2026, 10, 28), venue=hall)
    # then
    found = event_occurrences(event=event, after=NOW, before=at(2026, 11, 1))
    assert [(o.start, o.moved, o.cancelled, o.venue_id) for o in found] == [
        (at(2026, 10, 7), False, False, None),
        (at(2026, 10, 15, 10), True, False, None),
        (at(2026, 10, 21), False, True, None),
        (at(2026, 10, 28), False, False, hall.pk),
    ]
    # when: the cancellation is undone
    dates.event_date_change(event=event, user=member, original_start=at(2026, 10, 21))
    assert DateChange.objects.filter(event=event).count() == 2


def test_a_date_the_rule_does_not_give_cannot_be_changed(in_town, venue, member, association):
    event = create(in_town, member, association, weekly(venue))
    with pytest.raises(ValidationError):
        dates.event_date_change(
            event=event, user=member, original_start=at(2026, 10, 8), cancelled=True
        )
    assert DateChange.objects.count() == 0
