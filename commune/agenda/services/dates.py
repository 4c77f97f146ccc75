"""Single dates of a recurring event: cancel one, move one, hold one at another venue. Each
is a DateChange keyed by the date the rule gives (iCalendar's RECURRENCE-ID)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit

from .. import recurrence
from ..models import DateChange, Event, Venue


def _planned(event: Event, original: dt.datetime) -> dt.datetime:
    original = recurrence.local(original)
    dates = recurrence.rule_set(
        starts_at=event.starts_at, rrule=event.rrule, rdates=event.rdates, exdates=event.exdates
    )
    if original not in dates:
        raise ValidationError(_("This event has no date at that time."))
    return original


@transaction.atomic
def event_date_change(
    *,
    event: Event,
    user,
    original_start: dt.datetime,
    cancelled: bool = False,
    starts_at: dt.datetime | None = None,
    venue: Venue | None = None,
    note: str = "",
) -> DateChange | None:
    """Change the date `original_start` of `event`: cancelled, moved to `starts_at`, or held at
    `venue`. Nothing given: the date goes back to what the rule says (the change is removed)."""
    original = _planned(event, original_start)
    if starts_at is not None:
        starts_at = recurrence.local(starts_at)
        if starts_at == original:
            starts_at = None
    if venue is not None and venue.pk == event.venue_id:
        venue = None
    before = {}
    change = DateChange.objects.filter(event=event, original_start=original).first()
    if change is not None:
        before = audit.snapshot(change, ["cancelled", "starts_at", "venue_id", "note"])
    if not cancelled and starts_at is None and venue is None:
        if change is not None:
            change.delete()
        audit.record(actor=user, obj=event, action="event_date_change", before=before, after={})
        return None
    change = change or DateChange(municipality=event.municipality, event=event)
    change.original_start = original
    change.cancelled = cancelled
    change.starts_at = starts_at
    change.venue = venue
    change.note = (note or "").strip()[:200]
    change.save()
    audit.record(
        actor=user,
        obj=event,
        action="event_date_change",
        before=before,
        after=audit.snapshot(change, ["cancelled", "starts_at", "venue_id", "note"]),
        comment=original.isoformat(),
    )
    return change


def event_occurrences(*, event: Event, after: dt.datetime, before: dt.datetime):
    """The event's dates in [after, before) with their changes (a read; in services because
    both the selectors and the feeds need it with the event's changes loaded)."""
    return recurrence.expand(
        starts_at=event.starts_at,
        duration=event.duration,
        rrule=event.rrule,
        rdates=event.rdates,
        exdates=event.exdates,
        changes=list(event.changes.all()),
        after=after,
        before=before,
    )
