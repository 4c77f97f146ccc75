"""The dates printed on paper, from the same reads as the public agenda (selectors): the
week's entries (cancelled and moved dates included) and a poster's coming dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import recurrence, selectors
from ..models import ZURICH, Event, Venue
from ..recurrence import Occurrence
from ..services.dates import event_occurrences

WEEK = dt.timedelta(days=7)
#: How many coming dates a poster lists.
POSTER_DATES = 6


@dataclass(frozen=True)
class Entry:
    """One line of the weekly agenda: a date of an event in the week, or a date of the week
    moved to another week (`moved_to`)."""

    event: Event
    start: dt.datetime
    end: dt.datetime
    venue: Venue
    cancelled: bool = False
    moved_from: dt.datetime | None = None
    moved_to: dt.datetime | None = None
    note: str = ""

    @property
    def day(self) -> dt.date:
        return self.start.date()


def week_window(start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, start + 7 days 00:00) in Zurich time."""
    after = dt.datetime.combine(start, dt.time(), tzinfo=ZURICH)
    return after, dt.datetime.combine(start + WEEK, dt.time(), tzinfo=ZURICH)


def week_entries(*, municipality, start: dt.date) -> list[Entry]:
    """The public dates of the seven days from `start`: cancelled ones marked, a date moved
    into the week at its new time, a date moved out of it at its planned time (said where it
    went)."""
    after, before = week_window(start)
    found = selectors.occurrence_search(
        municipality=municipality,
        filters=selectors.Filters(start=start, end=start + WEEK - dt.timedelta(days=1)),
        now=after,
        horizon=WEEK,
    )
    entries = []
    for item in found:
        o = item.occurrence
        entries.append(
            Entry(
                event=item.event,
                start=recurrence.local(o.start),
                end=recurrence.local(o.end),
                venue=item.venue,
                cancelled=o.cancelled or item.event.status == Event.Status.CANCELLED,
                moved_from=recurrence.local(o.original_start) if o.moved else None,
                note=o.note,
            )
        )
    for event in selectors.event_list_matching(
        municipality=municipality, filters=selectors.Filters()
    ):
        for change in event.changes.all():
            planned = recurrence.local(change.original_start)
            if change.cancelled or not change.starts_at or not after <= planned < before:
                continue
            new = recurrence.local(change.starts_at)
            if after <= new < before or new == planned:
                continue
            entries.append(
                Entry(
                    event=event,
                    start=planned,
                    end=planned + event.duration,
                    venue=event.venue,
                    moved_to=new,
                    note=change.note,
                )
            )
    entries.sort(key=lambda e: (e.start, e.event.title))
    return entries


def coming_dates(*, event: Event, now: dt.datetime, limit: int = POSTER_DATES) -> list[Occurrence]:
    found = event_occurrences(event=event, after=now, before=now + selectors.HORIZON)
    return found[:limit]
