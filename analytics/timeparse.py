"""Timestamps: ISO 8601 with offsets, or local wall-clock times read in an IANA zone.

Rule for local times (documented in analytics/README.md):
* a local time that does not exist (the spring-forward hour, 02:00-02:59 on the last Sunday of
  March in Europe/Zurich) is refused into quarantine;
* a local time that exists twice (the autumn hour 02:00-02:59 on the last Sunday of October) is
  disambiguated by order of appearance within its series (same site, direction, mode, lane):
  the first occurrence is summer time (+02:00), the second winter time (+01:00); a single
  occurrence is taken as summer time; a third occurrence is a duplicate.
Stored rows carry ``ts_utc`` plus ``local_date`` and ``local_hour`` in the town's zone, so every
engine groups by local day and hour identically (Ibis has no portable time-zone conversion).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pandas as pd

OFFSET_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
SWISS_DATE_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")


def local_hours(start: dt.date, end: dt.date, tz: str) -> int:
    """The hours from local midnight of `start` to local midnight of `end` in zone `tz`: 24 a
    day, 23 on the spring clock change, 25 on the autumn one."""
    zone = ZoneInfo(tz)
    first = dt.datetime.combine(start, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    last = dt.datetime.combine(end, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    return round((last - first).total_seconds() / 3600)


def local_hour_slots(start: dt.date, end: dt.date, tz: str) -> dict[tuple[int, int], int]:
    """How many hours from local midnight of `start` to local midnight of `end` in zone `tz`
    fall on each (ISO weekday, local hour): a site that missed no hour has that many
    observations of each. The spring change's missing hour has none, the autumn's repeated hour
    counts twice (as the counts' local_hour labels them)."""
    zone = ZoneInfo(tz)
    instant = dt.datetime.combine(start, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    last = dt.datetime.combine(end, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    slots: dict[tuple[int, int], int] = {}
    while instant < last:
        local = instant.astimezone(zone)
        slot = (local.isoweekday(), local.hour)
        slots[slot] = slots.get(slot, 0) + 1
        instant += dt.timedelta(hours=1)
    return slots


def local_columns(ts_utc: pd.Series, tz: str) -> tuple[pd.Series, pd.Series]:
    """(local_date, local_hour) for UTC instants, in zone ``tz``."""
    local = ts_utc.dt.tz_convert(tz)
    return local.dt.date, local.dt.hour.astype("int8")


def parse_naive(values: pd.Series) -> pd.Series:
    """Parse wall-clock date-times: ISO (2024-03-31 02:00) or Swiss (31.03.2024 02:00)."""
    text = values.astype("string").str.strip()
    swiss = text.str.match(SWISS_DATE_RE.pattern).fillna(False)
    iso = pd.to_datetime(text.where(~swiss), format="ISO8601", errors="coerce")
    if swiss.any():
        dotted = pd.to_datetime(text.where(swiss), format="%d.%m.%Y %H:%M", errors="coerce")
        dotted = dotted.fillna(
            pd.to_datetime(text.where(swiss), format="%d.%m.%Y %H:%M:%S", errors="coerce")
        )
        dotted = dotted.fillna(
            pd.to_datetime(text.where(swiss), format="%d.%m.%Y", errors="coerce")
        )
        iso = iso.where(~swiss, dotted)
    return iso


def localize(naive: pd.Series, tz: str, series_key: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Naive local times -> (UTC instants, "local_time_missing" for each failure or None).

    ``series_key`` identifies the series a row belongs to, for the order-of-appearance rule.
    """
    order = pd.DataFrame({"k": series_key.to_numpy(), "t": naive.to_numpy()})
    first = (order.groupby(["k", "t"], sort=False, dropna=False).cumcount() == 0).to_numpy()
    idx = pd.DatetimeIndex(naive)
    aware = idx.tz_localize(tz, ambiguous=first, nonexistent="NaT")
    result = pd.Series(aware.tz_convert("UTC"), index=naive.index)
    reasons = pd.Series(None, index=naive.index, dtype="object")
    reasons[result.isna() & naive.notna()] = "local_time_missing"
    return result, reasons


def parse_timestamps(
    values: pd.Series, tz: str, series_key: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Mixed ISO-with-offset and local times -> (UTC instants, why or None per row): the code
    "timestamp" (unreadable) or "local_time_missing" (timestamp_problem gives its parameters)."""
    text = values.astype("string").str.strip()
    has_offset = text.str.contains(OFFSET_RE.pattern, case=False).fillna(False).to_numpy()
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    reasons = pd.Series(None, index=values.index, dtype="object")
    if has_offset.any():
        aware = pd.to_datetime(text[has_offset], format="ISO8601", utc=True, errors="coerce")
        result[has_offset] = aware.astype("datetime64[us, UTC]")
    local_mask = ~has_offset
    if local_mask.any():
        naive = parse_naive(text[local_mask])
        utc, why = localize(naive, tz, series_key[local_mask])
        result[local_mask] = utc.astype("datetime64[us, UTC]")
        reasons[local_mask] = why
    reasons[result.isna() & reasons.isna()] = "timestamp"
    return result, reasons


def timestamp_problem(code: str, value, tz: str) -> dict:
    """The parameters of a timestamp's quarantine code (analytics.ingest.report.ENGLISH)."""
    if code == "local_time_missing":
        return {"tz": tz}
    return {"value": "" if pd.isna(value) else value}
