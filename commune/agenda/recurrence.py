"""Recurrence: the simple choices of the entry form turned into an RFC 5545 RRULE, and an
event's dates expanded from RRULE/RDATE/EXDATE by python-dateutil's `rrulestr` — never a
home-made expander. Everything is Europe/Zurich local time: a weekly 14:00 stays 14:00 on
both sides of a DST switch (docs/decisions/0016-agenda-recurrence-local-time.md). Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.rrule import rruleset, rrulestr

from .models.event import ZURICH

#: RFC 5545 weekday codes, Monday first (Python's weekday()).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The longest series the form accepts, and the farthest we expand an open series.
MAX_COUNT = 400
ONCE, WEEKLY, MONTHLY, DATES = "once", "weekly", "monthly", "dates"


@dataclass(frozen=True)
class Spec:
    """What the entry form asks: how often, and until when (a date or a number of times)."""

    kind: str = ONCE
    weekdays: tuple[int, ...] = ()  # 0 = Monday (weekly)
    interval: int = 1  # every N weeks (weekly)
    ordinal: int = 1  # 1st … 4th, -1 = last (monthly: "1st Tuesday")
    weekday: int = 0  # the weekday of the monthly rule
    dates: tuple[dt.date, ...] = ()  # chosen dates (dates)
    until: dt.date | None = None
    count: int | None = None


def local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in Zurich time (a naive one is taken as Zurich wall time)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=ZURICH)
    return value.astimezone(ZURICH)


def ical_local(value: dt.datetime) -> str:
    """'20261225T140000': a local time as RFC 5545 writes it beside TZID."""
    return local(value).strftime("%Y%m%dT%H%M%S")


def _until_utc(day: dt.date) -> str:
    """UNTIL for a rule whose DTSTART carries a TZID: the end of `day` in Zurich, in UTC
    (RFC 5545 3.3.10: with a local DTSTART and a TZID, UNTIL is given in UTC)."""
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=ZURICH)
    return end.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def rule_from_spec(spec: Spec, *, start: dt.datetime) -> tuple[str, list[str]]:
    """(RRULE value, RDATE local times) for `spec`, the first date being `start`."""
    start = local(start)
    if spec.kind == ONCE:
        return "", []
    if spec.kind == DATES:
        at = start.timetz()
        others = sorted({d for d in spec.dates if d != start.date()})
        return "", [
            dt.datetime.combine(d, at.replace(tzinfo=None)).isoformat(timespec="minutes")
            for d in others
        ]
    if spec.kind == WEEKLY:
        days = sorted(set(spec.weekdays)) or [start.weekday()]
        parts = ["FREQ=WEEKLY", f"BYDAY={','.join(WEEKDAYS[d] for d in days)}"]
        if spec.interval > 1:
            parts.insert(1, f"INTERVAL={spec.interval}")
    elif spec.kind == MONTHLY:
        parts = ["FREQ=MONTHLY", f"BYDAY={spec.ordinal}{WEEKDAYS[spec.weekday]}"]
    else:
        raise ValueError(f"unknown recurrence kind {spec.kind!r}")
    if spec.count:
        parts.append(f"COUNT={spec.count}")
    elif spec.until:
        parts.append(f"UNTIL={_until_utc(spec.until)}")
    return ";".join(parts), []


def _parse_local(value: str) -> dt.datetime:
    return local(dt.datetime.fromisoformat(value))


def rule_set(*, starts_at: dt.datetime, rrule: str, rdates: Iterable[str], exdates: Iterable[str]):
    """dateutil's rruleset of the event's planned dates (before any single-date change)."""
    lines = [f"RRULE:{rrule}"] if rrule else []
    dtstart = local(starts_at)
    dates = rrulestr("\n".join(lines), dtstart=dtstart, forceset=True) if lines else None
    if dates is None:
        dates = rruleset()
        dates.rdate(dtstart)
    for value in rdates:
        dates.rdate(_parse_local(value))
    for value in exdates:
        dates.exdate(_parse_local(value))
    return dates


@dataclass(frozen=True)
class Occurrence:
    """One date of an event as the public sees it."""

    original_start: dt.datetime  # as the rule gives it (iCalendar's RECURRENCE-ID)
    start: dt.datetime
    end: dt.datetime
    cancelled: bool = False
    moved: bool = False
    venue_id: int | None = None  # another venue than the event's for this date
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """The date's stable identifier in URLs and forms: its planned local time."""
        return self.original_start.strftime("%Y%m%dT%H%M")

    @property
    def anchor(self) -> str:
        """The date's id in a page (an HTML id that is also a plain CSS selector)."""
        return f"d{self.key}"


def expand(
    *,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    rrule: str,
    rdates: Iterable[str] = (),
    exdates: Iterable[str] = (),
    changes: Iterable = (),
    after: dt.datetime,
    before: dt.datetime,
) -> list[Occurrence]:
    """The dates starting in [after, before), changes applied: a cancelled date stays (marked),
    a moved one appears once, at its new time. `changes` have original_start, cancelled,
    starts_at, venue_id and note (agenda.DateChange)."""
    dates = rule_set(starts_at=starts_at, rrule=rrule, rdates=rdates, exdates=exdates)
    by_original = {local(c.original_start): c for c in changes}
    found = []
    for original in dates.between(local(after), local(before), inc=True):
        if original >= local(before):
            continue
        change = by_original.get(original)
        if change is not None and change.starts_at and not change.cancelled:
            continue  # moved: taken below at its new time
        found.append(_occurrence(original, duration, change))
    for original, change in by_original.items():
        if change.starts_at and not change.cancelled and after <= change.starts_at < before:
            if original in dates:
                found.append(_occurrence(original, duration, change))
    return sorted(found, key=lambda o: (o.start, o.original_start))


def _occurrence(original: dt.datetime, duration: dt.timedelta, change) -> Occurrence:
    if change is None:
        return Occurrence(original_start=original, start=original, end=original + duration)
    start = local(change.starts_at) if change.starts_at else original
    return Occurrence(
        original_start=original,
        start=start,
        end=start + duration,
        cancelled=change.cancelled,
        moved=bool(change.starts_at) and local(change.starts_at) != original,
        venue_id=change.venue_id,
        note=change.note,
    )


def occurrence_key_parse(key: str) -> dt.datetime:
    """The planned local time of a date from its key ('20261225T1400'); ValueError if bad."""
    return dt.datetime.strptime(key, "%Y%m%dT%H%M").replace(tzinfo=ZURICH)


def spec_initial(rrule: str, rdates: Iterable[str], *, start: dt.datetime) -> dict:
    """The entry form's choices for a rule this module wrote (to edit an event again)."""
    if not rrule:
        days = [dt.datetime.fromisoformat(v).date() for v in rdates]
        if not days:
            return {"kind": ONCE}
        shown = [start.date(), *days]
        return {"kind": DATES, "dates": "\n".join(d.strftime("%d.%m.%Y") for d in shown)}
    parts = dict(part.split("=", 1) for part in rrule.split(";"))
    initial: dict = {}
    if "COUNT" in parts:
        initial["count"] = int(parts["COUNT"])
    if "UNTIL" in parts:
        until = dt.datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        initial["until"] = until.astimezone(ZURICH).date()
    days = parts.get("BYDAY", "").split(",")
    if parts.get("FREQ") == "MONTHLY":
        code = days[0]
        initial.update(
            kind=MONTHLY, ordinal=int(code[:-2]), month_weekday=WEEKDAYS.index(code[-2:])
        )
    else:
        initial.update(
            kind=WEEKLY,
            weekdays=[WEEKDAYS.index(d) for d in days if d],
            interval=int(parts.get("INTERVAL", 1)),
        )
    return initial
