"""The open data's fixed periods: calendar months, and calendar weeks cut at the month's edges
(local dates, end included)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analytics.timeparse import local_hours

WEEK, MONTH = "week", "month"
TZ = "Europe/Zurich"


@dataclass(frozen=True, order=True)
class Period:
    """A published period of local dates, end included."""

    start: dt.date
    end: dt.date
    kind: str

    @property
    def key(self) -> str:
        """``2026-03`` for a month, the first day (``2026-03-02``) for a week."""
        return self.start.strftime("%Y-%m") if self.kind == MONTH else self.start.isoformat()

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def month_of(day: dt.date) -> Period:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following - dt.timedelta(days=1), MONTH)


def weeks_of(month: Period) -> list[Period]:
    """The month's weeks: Monday to Sunday, the first and last cut at the month's edges."""
    weeks, start = [], month.start
    while start <= month.end:
        end = min(start + dt.timedelta(days=6 - start.weekday()), month.end)
        weeks.append(Period(start, end, WEEK))
        start = end + dt.timedelta(days=1)
    return weeks


def period_of_key(key: str) -> Period | None:
    """The period a key names (``2026-03`` or a week's first day), None if it names none."""
    try:
        if len(key) == 7:
            return month_of(dt.date.fromisoformat(f"{key}-01"))
        day = dt.date.fromisoformat(key)
    except (TypeError, ValueError):
        return None
    return next((w for w in weeks_of(month_of(day)) if w.start == day), None)


def months_between(first: dt.date, last: dt.date) -> list[Period]:
    months, month = [], month_of(first)
    while month.start <= last:
        months.append(month)
        month = month_of(month.end + dt.timedelta(days=1))
    return months


def hours_in(period: Period, tz: str = TZ) -> int:
    """Hours between the period's first and last local midnight (23 or 25 on DST days)."""
    return local_hours(period.start, period.end + dt.timedelta(days=1), tz)
