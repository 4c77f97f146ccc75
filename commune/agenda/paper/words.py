"""The agenda's facts in words for paper, in the active language: dates, prices, access, the
recurrence rule and the organiser."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from commune.core.days import weekday_date

from .. import recurrence
from ..models import Event, PriceKind, Venue


def inline(text: str) -> str:
    """A day's name inside a sentence: lower case in French and Italian ("au lieu du jeudi"),
    as written in German and English (the catalogue's weekdays are capitalised for lists)."""
    language = (get_language() or "fr")[:2]
    return text[:1].lower() + text[1:] if language in ("fr", "it") else text


def when_text(start: dt.datetime, end: dt.datetime | None = None, *, first: bool = True) -> str:
    """ "Wednesday 7 October 2026, 14:00–16:00"; `first=False` inside a sentence."""
    start = recurrence.local(start)
    day = weekday_date(start)
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
