"""Road closures as an iCalendar feed (RFC 5545): one all-day event per permit that closes a
lane or the whole road, from its start to its end (DTEND is exclusive, so end + 1 day), and
one per emergency from its submission, marked as such."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from .features import feature_bbox
from .selectors import CLOSURES, areas_wgs84, works_public

TZID = "Europe/Zurich"


def closures_calendar(*, municipality, host: str, url_for) -> bytes:
    """The feed of current and planned closures. `url_for(permit)` gives each event's link."""
    permits = list(works_public(municipality=municipality, closures_only=True))
    areas = areas_wgs84(municipality=municipality, permit_ids=[p.pk for p in permits])
    calendar = Calendar()
    calendar.add("prodid", "-//commune//works closures//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Road closures — %(town)s") % {"town": municipality.name}
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", TZID)
    # The events are whole days; the town's zone tells clients which days they are.
    calendar.add_component(Timezone.from_tzid(TZID))
    stamp = timezone.now().replace(microsecond=0)
    for permit in permits:
        event = Event()
        event.add("uid", f"permit-{permit.pk}@{municipality.slug}.{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", permit.updated_at.replace(microsecond=0))
        event.add("dtstart", permit.planned_start)
        end = permit.valid_until or permit.planned_end
        event.add("dtend", end + dt.timedelta(days=1))
        closure = permit.get_road_closure_display()
        summary = f"{closure} — {permit.get_kind_display()} ({permit.reference})"
        lines = [str(closure)]
        if permit.is_emergency:
            summary = f"{_('Emergency')} — {summary}"
            lines.insert(0, _("Emergency works, not yet regularised by the town's decision."))
        if permit.organisation_id:
            lines.append(_("Works by %(org)s") % {"org": permit.organisation.name})
        if permit.pavement_closure:
            lines.append(_("Pavement closed"))
        event.add("summary", summary)
        event.add("description", "\n".join(lines))
        categories = [_("Road closure")] if permit.road_closure in CLOSURES else []
        event.add("categories", [*categories, *([_("Emergency")] if permit.is_emergency else [])])
        event.add("transp", "TRANSPARENT")
        event.add("url", url_for(permit))
        if permit.location_text:
            event.add("location", permit.location_text)
        box = feature_bbox([{"geometry": {"coordinates": areas.get(permit.pk, [])}}])
        if box:
            event.add("geo", ((box[1] + box[3]) / 2, (box[0] + box[2]) / 2))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
