"""Reads of the agenda: events by audience (public, organiser, moderators) and the public's
upcoming dates, searched and filtered. `municipality` first; a read writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from commune.accounts.models import Organisation

from . import workflow
from .models import ACCESSIBILITY, HOLDING, Event, PriceKind, Registration, Venue
from .services.dates import event_occurrences
from .services.search import normalise

#: How far ahead the public agenda looks when no end date is asked.
HORIZON = dt.timedelta(days=366)


def organisations_of(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def event_list_public(*, municipality) -> QuerySet[Event]:
    return Event.objects.filter(municipality=municipality, status__in=workflow.PUBLIC)


def event_list_for_organiser(*, municipality, user, town_events: bool = False) -> QuerySet[Event]:
    """The events of the organisations `user` acts for; with `town_events` (a moderator) also
    the town's own."""
    mine = Q(organisation__in=organisations_of(user=user))
    if town_events:
        mine |= Q(organisation__isnull=True)
    return Event.objects.filter(mine, municipality=municipality).select_related(
        "venue", "organisation"
    )


def event_list_to_moderate(*, municipality) -> QuerySet[Event]:
    return (
        Event.objects.filter(municipality=municipality, status__in=workflow.AWAITING_MODERATION)
        .select_related("venue", "organisation", "created_by")
        .order_by("updated_at")
    )


def venue_list(*, municipality) -> QuerySet[Venue]:
    return Venue.objects.filter(municipality=municipality)


def registration_list_mine(*, event: Event, user) -> QuerySet[Registration]:
    """`user`'s registrations for the dates of `event` that still stand (not cancelled, no
    expired offer): what the event's page shows them, date by date."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return Registration.objects.filter(event=event, user=user).exclude(
        status__in=[Registration.Status.CANCELLED, Registration.Status.EXPIRED]
    )


def places_taken_by_date(*, event: Event) -> dict[dt.datetime, int]:
    """The places held on each date of `event` (confirmed, or offered and not yet answered),
    by the date's original start; a date nobody holds a place on is absent."""
    held = Registration.objects.filter(event=event, status__in=HOLDING)
    return dict(held.order_by().values_list("original_start").annotate(count=Count("pk")))


def neighbourhood_list(*, municipality) -> list[str]:
    values = event_list_public(municipality=municipality).values_list("neighbourhood", flat=True)
    return sorted({v for v in values if v})


@dataclass(frozen=True)
class Filters:
    """What the public agenda's form asks for (all optional)."""

    text: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    category: str = ""
    audience: str = ""
    accessibility: tuple[str, ...] = ()
    neighbourhood: str = ""
    free_only: bool = False
    organisation_id: int | None = None
    venue_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Listed:
    """One date in the public agenda: the occurrence, its event and where it takes place."""

    event: Event
    occurrence: object
    venue: Venue


def event_list_matching(*, municipality, filters: Filters) -> list[Event]:
    """The public events the filters select (their changes loaded); with a venue, the events
    held there on any date."""
    events = event_list_public(municipality=municipality).select_related("venue", "organisation")
    if filters.text:
        for word in normalise(filters.text).split():
            events = events.filter(search_text__contains=word)
    if filters.category:
        events = events.filter(category=filters.category)
    if filters.neighbourhood:
        events = events.filter(neighbourhood=filters.neighbourhood)
    if filters.free_only:
        events = events.filter(price_kind=PriceKind.FREE)
    if filters.organisation_id:
        events = events.filter(organisation_id=filters.organisation_id)
    if filters.venue_id:
        events = events.filter(
            Q(venue_id=filters.venue_id) | Q(changes__venue_id=filters.venue_id)
        ).distinct()
    events = events.prefetch_related("changes")
    # JSON lists are compared here: SQLite has no JSON containment lookup.
    return [e for e in events if not filters.audience or filters.audience in e.audiences]


def occurrence_search(
    *, municipality, filters: Filters, now: dt.datetime, horizon: dt.timedelta = HORIZON
) -> list[Listed]:
    """The public's dates from `now` (or the filters' start) on, in time order; an event held
    elsewhere on one date is found by that date's venue."""
    after = now
    if filters.start:
        after = max(now, dt.datetime.combine(filters.start, dt.time(), tzinfo=now.tzinfo))
    before = after + horizon
    if filters.end:
        before = dt.datetime.combine(
            filters.end + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo
        )
    venues = {v.pk: v for v in venue_list(municipality=municipality)}
    flags = [f for f in filters.accessibility if f in ACCESSIBILITY]
    found = []
    for event in event_list_matching(municipality=municipality, filters=filters):
        for occurrence in event_occurrences(event=event, after=after, before=before):
            venue = venues.get(occurrence.venue_id) or event.venue
            if filters.venue_id and venue.pk != filters.venue_id:
                continue
            if any(not getattr(venue, flag) for flag in flags):
                continue
            found.append(Listed(event=event, occurrence=occurrence, venue=venue))
    found.sort(key=lambda item: (item.occurrence.start, item.event.title))
    return found
