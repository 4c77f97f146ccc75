"""The weekly large-print A4 agenda: the week's entries grouped by neighbourhood, then by
day."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    KeepTogether,
    Spacer,
)

from commune.core.days import weekday_date

from .layout import a4_document, labelled, page_footer, paragraph, style_sheet
from .reads import WEEK, Entry
from .words import accessibility_text, inline, organiser_text, price_text, when_text


def _entry_flowables(entry: Entry, styles) -> list:
    event = entry.event
    time = entry.start.strftime("%H:%M") + "–" + entry.end.strftime("%H:%M")
    heading = f"{time}  {event.title}"
    flow = []
    if entry.cancelled:
        flow.append(paragraph(f"{_('Cancelled').upper()} — {heading}", styles["entry"]))
    elif entry.moved_to is not None:
        flow.append(
            paragraph(
                f"{_('Moved').upper()} — {heading} — "
                + _("now on %(when)s") % {"when": when_text(entry.moved_to, first=False)},
                styles["entry"],
            )
        )
    else:
        flow.append(paragraph(heading, styles["entry"]))
        if entry.moved_from is not None:
            flow.append(
                paragraph(
                    _("Moved")
                    + " — "
                    + _("instead of %(when)s") % {"when": when_text(entry.moved_from, first=False)},
                    styles["strong"],
                )
            )
    venue = entry.venue
    flow.append(
        labelled(
            pgettext("paper", "Where:"), f"{venue.name}, {venue.full_address()}", styles["body"]
        )
    )
    access = accessibility_text(venue)
    if access:
        flow.append(labelled(pgettext("paper", "Access:"), access, styles["body"]))
    flow.append(labelled(pgettext("paper", "Price:"), price_text(event), styles["body"]))
    flow.append(labelled(pgettext("paper", "Organiser:"), organiser_text(event), styles["body"]))
    if entry.note:
        flow.append(paragraph(entry.note, styles["body"]))
    return [KeepTogether(flow)]


def agenda_week_pdf(*, municipality, start: dt.date, entries: list[Entry]) -> bytes:
    """The week's entries grouped by neighbourhood (alphabetical, those without one last),
    then by day, in large print."""
    styles = style_sheet()
    end = start + WEEK - dt.timedelta(days=1)
    title = _("Agenda of %(town)s") % {"town": municipality.name}
    period = _("From %(start)s to %(end)s") % {
        "start": inline(weekday_date(start)),
        "end": inline(weekday_date(end)),
    }
    story = [paragraph(title, styles["title"]), paragraph(period, styles["subtitle"])]
    story.append(
        paragraph(
            _("Information and registration: %(contact)s")
            % {"contact": municipality.contact_email},
            styles["body"],
        )
    )
    areas: dict[str, list[Entry]] = {}
    for entry in entries:
        areas.setdefault(entry.event.neighbourhood, []).append(entry)
    names = sorted(n for n in areas if n) + ([""] if "" in areas else [])
    if not entries:
        story.append(Spacer(1, 10 * mm))
        story.append(paragraph(_("No activity this week."), styles["day"]))
    for name in names:
        story.append(CondPageBreak(60 * mm))
        story.append(HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=8))
        heading = name or _("Other places in %(town)s") % {"town": municipality.name}
        story.append(paragraph(heading, styles["area"]))
        day = None
        for entry in areas[name]:
            if entry.day != day:
                day = entry.day
                story.append(CondPageBreak(40 * mm))
                story.append(paragraph(capfirst(weekday_date(day)), styles["day"]))
            story += _entry_flowables(entry, styles)
    buffer = io.BytesIO()
    short = f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
    footer = page_footer(municipality, short)
    a4_document(buffer, title=f"{title} — {period}", town=municipality).build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    return buffer.getvalue()
