"""The agenda on paper, for people who do not go online: a weekly large-print A4 agenda (the
town hall, pharmacies and care homes pin it up) and a poster per activity with a QR code to its
page. Large print means 14 pt and more everywhere (titles larger), black on white, the venue's
address and accessibility in words, cancelled and moved dates said so in capitals.
Built from the same reads as the public agenda (selectors), in the active language."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from commune.tenants.documents import fonts

from . import recurrence, selectors
from .models import ZURICH, Event, PriceKind, Venue
from .recurrence import Occurrence
from .services.dates import event_occurrences

#: The smallest type on paper: nothing is printed smaller (tests read the PDF back).
MIN_PT = 14
WEEK = dt.timedelta(days=7)
#: How many coming dates a poster lists.
POSTER_DATES = 6


# --- reads -------------------------------------------------------------------------------


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


# --- words -------------------------------------------------------------------------------


def inline(text: str) -> str:
    """A day's name inside a sentence: lower case in French and Italian ("au lieu du jeudi"),
    as written in German and English (the catalogue's weekdays are capitalised for lists)."""
    language = (get_language() or "fr")[:2]
    return text[:1].lower() + text[1:] if language in ("fr", "it") else text


def when_text(start: dt.datetime, end: dt.datetime | None = None, *, first: bool = True) -> str:
    """ "Wednesday 7 October 2026, 14:00–16:00"; `first=False` inside a sentence."""
    start = recurrence.local(start)
    day = formats.date_format(start, "l j F Y")
    text = (capfirst(day) if first else inline(day)) + ", " + start.strftime("%H:%M")
    if end is not None:
        text += "–" + recurrence.local(end).strftime("%H:%M")
    return text


def price_text(event: Event) -> str:
    if event.price_kind == PriceKind.AMOUNT and event.price_amount is not None:
        return "CHF " + formats.number_format(event.price_amount, decimal_pos=2)
    if event.price_kind == PriceKind.ON_SITE and event.price_amount is not None:
        amount = formats.number_format(event.price_amount, decimal_pos=2)
        return _("%(amount)s, paid on site") % {"amount": f"CHF {amount}"}
    return str(event.get_price_kind_display())


def accessibility_text(venue: Venue) -> str:
    return ", ".join(str(label) for _flag, label in venue.accessibility_features())


def _weekday_names(days: list[int]) -> str:
    names = [inline(formats.date_format(dt.date(2024, 1, 1 + d), "l")) for d in days]
    return ", ".join(names)


def rule_text(event: Event) -> str:
    """The event's recurrence in words: "Every Wednesday at 14:00, 10 times"."""
    start = recurrence.local(event.starts_at)
    at = start.strftime("%H:%M")
    try:
        spec = recurrence.spec_initial(event.rrule, event.rdates, start=start)
    except (ValueError, KeyError, IndexError):
        # a rule the entry form cannot write (decision 0016): the first date, the list follows
        return when_text(start, start + event.duration)
    kind = spec["kind"]
    if kind == recurrence.ONCE:
        return when_text(start, start + event.duration)
    if kind == recurrence.DATES:
        text = _("On chosen dates at %(time)s") % {"time": at}
    elif kind == recurrence.MONTHLY:
        ordinal = {1: _("1st"), 2: _("2nd"), 3: _("3rd"), 4: _("4th"), -1: _("last")}
        text = _("Every month, the %(ordinal)s %(weekday)s at %(time)s") % {
            "ordinal": ordinal.get(spec["ordinal"], spec["ordinal"]),
            "weekday": _weekday_names([spec["month_weekday"]]),
            "time": at,
        }
    else:
        days = _weekday_names(spec.get("weekdays") or [start.weekday()])
        interval = spec.get("interval", 1)
        if interval > 1:
            text = _("Every %(n)d weeks on %(days)s at %(time)s") % {
                "n": interval,
                "days": days,
                "time": at,
            }
        else:
            text = _("Every week on %(days)s at %(time)s") % {"days": days, "time": at}
    if spec.get("until"):
        text += ", " + _("until %(day)s") % {"day": formats.date_format(spec["until"], "j F Y")}
    elif spec.get("count"):
        text += ", " + ngettext("%(n)d time", "%(n)d times", spec["count"]) % {"n": spec["count"]}
    return text


def organiser_text(event: Event) -> str:
    return event.organisation.name if event.organisation_id else event.municipality.name


# --- drawing -----------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    black = colors.black

    def style(name, font, size, leading, **kw):
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, textColor=black, **kw
        )

    return {
        "title": style("title", bold, 28, 34, spaceAfter=6),
        "subtitle": style("subtitle", regular, 18, 24, spaceAfter=10),
        "area": style("area", bold, 22, 28, spaceBefore=10, spaceAfter=4),
        "day": style("day", bold, 18, 24, spaceBefore=8, spaceAfter=2),
        "entry": style("entry", bold, 16, 21, spaceBefore=6),
        "body": style("body", regular, MIN_PT, 19),
        "strong": style("strong", bold, MIN_PT, 19),
        "poster_title": style("poster_title", bold, 34, 40, spaceAfter=10),
        "poster_big": style("poster_big", bold, 20, 26, spaceBefore=8, spaceAfter=2),
        "poster_body": style("poster_body", regular, 16, 22),
        "banner": style("banner", bold, 30, 38, spaceAfter=8),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _label(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    """ "Label: value" with the label in bold (same size: nothing under MIN_PT)."""
    _regular, bold = fonts()
    return Paragraph(f'<font name="{bold}">{escape(label)}</font> {escape(value)}', style)


def _footer(town, title: str):
    regular, _bold = fonts()

    def draw(canvas, doc):
        width, _height = A4
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.setFont(regular, MIN_PT)
        canvas.drawString(18 * mm, 10 * mm, f"{town.name} — {title}")
        canvas.drawRightString(width - 18 * mm, 10 * mm, _("Page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    return draw


def _document(buffer, *, title: str, town) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=town.name,
    )


def _entry_flowables(entry: Entry, styles) -> list:
    event = entry.event
    time = entry.start.strftime("%H:%M") + "–" + entry.end.strftime("%H:%M")
    heading = f"{time}  {event.title}"
    flow = []
    if entry.cancelled:
        flow.append(_p(f"{_('Cancelled').upper()} — {heading}", styles["entry"]))
    elif entry.moved_to is not None:
        flow.append(
            _p(
                f"{_('Moved').upper()} — {heading} — "
                + _("now on %(when)s") % {"when": when_text(entry.moved_to, first=False)},
                styles["entry"],
            )
        )
    else:
        flow.append(_p(heading, styles["entry"]))
        if entry.moved_from is not None:
            flow.append(
                _p(
                    _("Moved")
                    + " — "
                    + _("instead of %(when)s") % {"when": when_text(entry.moved_from, first=False)},
                    styles["strong"],
                )
            )
    venue = entry.venue
    flow.append(
        _label(pgettext("paper", "Where:"), f"{venue.name}, {venue.full_address()}", styles["body"])
    )
    access = accessibility_text(venue)
    if access:
        flow.append(_label(pgettext("paper", "Access:"), access, styles["body"]))
    flow.append(_label(pgettext("paper", "Price:"), price_text(event), styles["body"]))
    flow.append(_label(pgettext("paper", "Organiser:"), organiser_text(event), styles["body"]))
    if entry.note:
        flow.append(_p(entry.note, styles["body"]))
    return [KeepTogether(flow)]


def agenda_week_pdf(*, municipality, start: dt.date, entries: list[Entry]) -> bytes:
    """The week's entries grouped by neighbourhood (alphabetical, those without one last),
    then by day, in large print."""
    styles = _styles()
    end = start + WEEK - dt.timedelta(days=1)
    title = _("Agenda of %(town)s") % {"town": municipality.name}
    period = _("From %(start)s to %(end)s") % {
        "start": inline(formats.date_format(start, "l j F Y")),
        "end": inline(formats.date_format(end, "l j F Y")),
    }
    story = [_p(title, styles["title"]), _p(period, styles["subtitle"])]
    story.append(
        _p(
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
        story.append(_p(_("No activity this week."), styles["day"]))
    for name in names:
        story.append(CondPageBreak(60 * mm))
        story.append(HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=8))
        heading = name or _("Other places in %(town)s") % {"town": municipality.name}
        story.append(_p(heading, styles["area"]))
        day = None
        for entry in areas[name]:
            if entry.day != day:
                day = entry.day
                story.append(CondPageBreak(40 * mm))
                story.append(_p(capfirst(formats.date_format(day, "l j F Y")), styles["day"]))
            story += _entry_flowables(entry, styles)
    buffer = io.BytesIO()
    short = f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
    footer = _footer(municipality, short)
    _document(buffer, title=f"{title} — {period}", town=municipality).build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    return buffer.getvalue()


class QrCode(Flowable):
    """A QR code drawn as vector squares (segno computes the matrix), as permits' PDF does."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self):
        matrix = list(self.qr.matrix)
        border = 4
        step = self.size / (len(matrix) + 2 * border)
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row, line in enumerate(matrix):
            for col, dark in enumerate(line):
                if dark:
                    x = (col + border) * step
                    y = self.size - (row + border + 1) * step
                    canvas.rect(x, y, step, step, stroke=0, fill=1)


#: The poster's QR code: big enough to scan from a metre away.
QR_SIZE = 70 * mm


def poster_pdf(*, event: Event, dates: list[Occurrence], venues: dict, url: str) -> bytes:
    """One A4 page: title, when (the rule in words and the coming dates), where (address and
    access), price, organiser, and a QR code to the event's page with its address in clear."""
    styles = _styles()
    town = event.municipality
    story = [_p(f"{town.name} — {event.get_category_display()}", styles["poster_body"])]
    story.append(Spacer(1, 4 * mm))
    if event.status == Event.Status.CANCELLED:
        story.append(_p(_("Cancelled").upper(), styles["banner"]))
    story.append(_p(event.title, styles["poster_title"]))
    story.append(_p(pgettext("paper", "When"), styles["poster_big"]))
    story.append(_p(rule_text(event), styles["poster_body"]))
    if event.is_recurring and dates:
        story.append(_p(_("Next dates:"), styles["poster_body"]))
    for o in dates if event.is_recurring else []:
        line = "• " + when_text(o.start, o.end)
        if o.cancelled:
            line += " — " + _("Cancelled").upper()
        elif o.moved:
            line += " — " + _("Moved").upper()
        venue = venues.get(o.venue_id)
        if venue is not None:
            line += " — " + venue.name
        story.append(_p(line, styles["poster_body"]))
    venue = event.venue
    story.append(_p(pgettext("paper", "Where"), styles["poster_big"]))
    story.append(_p(f"{venue.name}\n{venue.full_address()}", styles["poster_body"]))
    access = accessibility_text(venue)
    if access:
        story.append(_label(pgettext("paper", "Access:"), access, styles["poster_body"]))
    story.append(_label(pgettext("paper", "Price:"), price_text(event), styles["poster_body"]))
    story.append(
        _label(pgettext("paper", "Organiser:"), organiser_text(event), styles["poster_body"])
    )
    story.append(Spacer(1, 6 * mm))
    story.append(QrCode(url, QR_SIZE))
    story.append(_p(_("Scan the code for details and registration:"), styles["body"]))
    story.append(_p(url, styles["body"]))
    buffer = io.BytesIO()
    doc = _document(buffer, title=event.title, town=town)
    footer = _footer(town, _("Agenda"))
    doc.build([KeepTogether(story[:3]), *story[3:]], onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
