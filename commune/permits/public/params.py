"""Query parameters of OGC API Features (Part 1, Core): bbox, datetime, limit, offset.

Pure functions: each parses one parameter or raises BadParameter with a message for the
client, which the views answer with 400 and a JSON error (never a 500).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .selectors import Period

LOCAL = ZoneInfo("Europe/Zurich")
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
_OPEN = {"", ".."}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNT = re.compile(r"^\+?[0-9]+$")
#: What an SQL OFFSET takes: a signed 64-bit number.
MAX_OFFSET = 2**63 - 1


class BadParameter(ValueError):
    """A query parameter the client must fix; `name` is the parameter."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message
        super().__init__(f"{name}: {message}")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`minlon,minlat,maxlon,maxlat` in WGS84 (CRS84); six numbers carry heights, ignored."""
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadParameter(
            "bbox",
            _("bbox needs 4 numbers (min longitude, min latitude, max longitude, max latitude)."),
        )
    try:
        numbers = [float(p) for p in parts]
    except ValueError as exc:
        raise BadParameter("bbox", _("bbox must contain numbers only.")) from exc
    if not all(math.isfinite(n) for n in numbers):
        raise BadParameter("bbox", _("bbox must contain finite numbers."))
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if not (
        -180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90
    ):
        raise BadParameter("bbox", _("bbox is in longitude/latitude (WGS84): out of range."))
    if miny > maxy or minx > maxx:
        raise BadParameter("bbox", _("bbox: the minimum comes before the maximum."))
    return minx, miny, maxx, maxy


def _instant(text: str, *, end: bool) -> dt.date:
    """A date or an RFC 3339 date-time, as the local (Swiss) day it falls on."""
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise BadParameter(
                "datetime", _("datetime: %(v)s is not a date.") % {"v": text}
            ) from exc
    try:
        value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as exc:
        raise BadParameter(
            "datetime",
            _("datetime: %(v)s is not an RFC 3339 date-time (e.g. 2026-05-01T00:00:00Z).")
            % {"v": text},
        ) from exc
    if value.tzinfo is None:
        raise BadParameter("datetime", _("datetime: give a time zone (Z or +01:00)."))
    try:
        return value.astimezone(LOCAL).date()
    except OverflowError as exc:  # 9999-12-31T23:00:00Z is already year 10000 in Switzerland
        raise BadParameter(
            "datetime", _("datetime: %(v)s is outside the calendar.") % {"v": text}
        ) from exc


def parse_datetime(text: str) -> Period:
    """An instant, or an interval `start/end` where either side may be open (`..` or empty)."""
    text = text.strip()
    if "/" not in text:
        if text in _OPEN:
            raise BadParameter("datetime", _("datetime is empty."))
        day = _instant(text, end=False)
        return Period(start=day, end=day)
    left, _sep, right = text.partition("/")
    if "/" in right:
        raise BadParameter("datetime", _("datetime: an interval has one slash."))
    if left in _OPEN and right in _OPEN:
        return Period()
    start = None if left in _OPEN else _instant(left, end=False)
    end = None if right in _OPEN else _instant(right, end=True)
    if start and end and start > end:
        raise BadParameter("datetime", _("datetime: the start comes after the end."))
    return Period(start=start, end=end)


def parse_count(name: str, text: str, *, minimum: int, maximum: int, clamp: bool = False) -> int:
    """A whole number from `minimum` to `maximum`; above it, `maximum` itself if `clamp` (OGC
    API's rule for limit) or a BadParameter. Digits are counted before converting, so a number
    of 5,000 digits is "too large", not a ValueError from int()."""
    if not _COUNT.match(text):
        raise BadParameter(name, _("%(n)s must be a whole number.") % {"n": name})
    digits = text.lstrip("+0") or "0"
    value = int(digits) if len(digits) <= len(str(maximum)) else maximum + 1
    if value < minimum:
        raise BadParameter(name, _("%(n)s must be at least %(min)d.") % {"n": name, "min": minimum})
    if value > maximum:
        if not clamp:
            raise BadParameter(
                name, _("%(n)s must be at most %(max)d.") % {"n": name, "max": maximum}
            )
        value = maximum
    return value
