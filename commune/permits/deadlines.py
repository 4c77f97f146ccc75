"""Working days per canton: weekends and the canton's public holidays do not count.

Pure functions over dates (holidays from `holidays.Switzerland(subdiv=canton)`), so due dates
are data computed once and stored on the task.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(canton: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Switzerland(subdiv=canton, years=[year]).keys())


def is_working_day(day: dt.date, canton: str) -> bool:
    return day.weekday() < 5 and day not in _calendar(canton, day.year)


def add_working_days(start: dt.date, days: int, canton: str) -> dt.date:
    """The date `days` working days after `start` (start itself is not counted; a negative
    count goes back). 0 gives `start` moved forward to a working day."""
    day = start
    if days == 0:
        while not is_working_day(day, canton):
            day += dt.timedelta(days=1)
        return day
    step = dt.timedelta(days=1 if days > 0 else -1)
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day, canton):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, canton: str) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, canton):
            count += 1
    return count


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (a guarantee period); 29 February becomes 28 February in a
    common year, the month's last day (Swiss Code of Obligations, art. 77 para. 3)."""
    year = day.year + years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return day.replace(year=year)
