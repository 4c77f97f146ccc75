"""The agenda's feeds. iCalendar (RFC 5545): DTSTART in Europe/Zurich local time with its
TZID and a VTIMEZONE, the RRULE, RDATE and EXDATE as stored; a cancelled date is an EXDATE, a
moved date (or one held elsewhere) a VEVENT of its own with RECURRENCE-ID; RFC 7986 NAME and
REFRESH-INTERVAL. RSS 2.0 lists the coming dates. Never UTC + RRULE (see
docs/decisions/0016-agenda-recurrence-local-time.md)."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commune.tenants.links import absolute_url

from . import recurrence
from .models import Event

REFRESH = dt.timedelta(hours=12)


def _event_url(event: Event) -> str:
    path = reverse("agenda:event", kwargs={"town": event.municipality.slug, "event_id": event.pk})
    return absolute_url(path, municipality=event.municipality)


def _location(venue) -> str:
    return ", ".join(p for p in (venue.name, venue.full_address()) if p)


def _vevent(event: Event, *, uid: str, url: str, venues: dict) -> list[icalendar.Event]:
    main = icalendar.Event()
    main.add("uid", uid)
    main.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    main.add("dtstart", recurrence.local(event.starts_at))
    main.add("dtend", recurrence.local(event.starts_at) + event.duration)
    main.add("summary", event.title)
    if event.description:
        main.add("description", event.description)
    main.add("location", _location(event.venue))
    position = event.venue.wgs84()
    if position:
        main.add("geo", position)
    main.add("url", url)
    main.add("categories", [event.get_category_display()])
    main.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    if event.rrule:
        main.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    for value in event.rdates:
        main.add("rdate", recurrence.local(dt.datetime.fromisoformat(value)))
    changes = list(event.changes.all())
    exdates = [recurrence.local(dt.datetime.fromisoformat(v)) for v in event.exdates]
    exdates += [recurrence.local(c.original_start) for c in changes if c.cancelled]
    for value in sorted(exdates):
        main.add("exdate", value)
    components = [main]
    for change in changes:
        if change.cancelled:
            continue
        start = recurrence.local(change.starts_at or change.original_start)
        venue = venues.get(change.venue_id) or event.venue
        moved = icalendar.Event()
        moved.add("uid", uid)
        moved.add("dtstamp", change.updated_at.astimezone(dt.UTC))
        moved.add("recurrence-id", recurrence.local(change.original_start))
        moved.add("dtstart", start)
        moved.add("dtend", start + event.duration)
        moved.add("summary", event.title)
        moved.add("location", _location(venue))
        moved.add("url", url)
        if change.note:
            moved.add("description", change.note)
        components.append(moved)
    return components


def calendar_bytes(*, municipality, events, name: str, venues: dict) -> bytes:
    """One VCALENDAR of `events` (their changes prefetched), named `name`."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//commune//agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    host = municipality.slug
    for event in events:
        uid = f"agenda-{event.pk}@{host}.commune"
        for component in _vevent(event, uid=uid, url=_event_url(event), venues=venues):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def rss_bytes(*, municipality, listed, title: str, link: str) -> bytes:
    """RSS 2.0 of the coming dates (`listed`: selectors.Listed), one item per date."""
    feed = feedgenerator.Rss201rev2Feed(
        title=title,
        link=link,
        description=_("The coming activities in %(town)s") % {"town": municipality.name},
        language="fr-ch",
    )
    for item in listed:
        occurrence, event = item.occurrence, item.event
        when = date_format(recurrence.local(occurrence.start), "DATETIME_FORMAT")
        prefix = (
            _("Cancelled") + " — " if occurrence.cancelled or event.status == "cancelled" else ""
        )
        url = f"{_event_url(event)}#{occurrence.anchor}"
        feed.add_item(
            title=f"{prefix}{event.title} — {when}",
            link=url,
            unique_id=url,
            description=f"{item.venue.name}. {event.description}",
            pubdate=event.published_at or event.created_at,
            categories=[str(event.get_category_display())],
        )
    return feed.writeString("utf-8").encode()
