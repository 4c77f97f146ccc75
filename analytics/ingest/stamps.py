"""Timestamps of a large file, block after block, as analytics.timeparse reads them.

The common spellings (2024-03-31T02:00, 2024-03-31 02:00:00+01:00, 31.03.2024 02:00) are parsed
by pyarrow at once; any other text goes through timeparse's pandas reading, so both give the
same instants. The autumn hour that exists twice is told apart by order of appearance within
its series across the whole file (timeparse's rule), so a `LocalTimes` is kept from one block
to the next.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.timeparse import OFFSET_RE, parse_naive

OFFSET_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M%z",
)
NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
)
UTC = pa.timestamp("us", tz="UTC")
NAIVE = pa.timestamp("us")


def _parse(text: pa.Array, formats: tuple[str, ...], unit_type: pa.DataType) -> pa.Array:
    """`text` parsed by the first of `formats` that reads it; null where none does."""
    out = pa.nulls(len(text), unit_type)
    for fmt in formats:
        missing = pc.is_null(out)
        if not pc.any(missing).as_py():
            break
        parsed = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        if unit_type.tz is not None:
            parsed = parsed.cast(unit_type)
        out = pc.coalesce(out, parsed)
    return out


class LocalTimes:
    """Turns a file's timestamps into UTC instants, block after block (see the module)."""

    def __init__(self, tz: str) -> None:
        self.tz = tz
        self.seen: dict[tuple, int] = {}  # (series, ambiguous local time) -> times seen

    def parse(self, text: pa.Array, series: pa.Table) -> tuple[pa.Array, np.ndarray]:
        """(UTC instants, why per row: "" when read, else "timestamp" or
        "local_time_missing") for trimmed `text`; the columns of `series` name each row's
        series (read only for the ambiguous hour)."""
        n = len(text)
        has_offset = pc.fill_null(
            pc.match_substring_regex(text, OFFSET_RE.pattern, ignore_case=True), False
        )
        result = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
        why = np.full(n, "", dtype=object)
        offset_mask = has_offset.to_numpy(zero_copy_only=False)
        if offset_mask.any():
            idx = np.flatnonzero(offset_mask)
            part = text.filter(has_offset)
            aware = _parse(part, OFFSET_FORMATS, UTC)
            values = aware.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
            slow = np.isnat(values)
            if slow.any():  # other ISO 8601 spellings: pandas reads them
                rest = pd.Series(np.asarray(part.to_pylist(), dtype=object)[slow])
                again = pd.to_datetime(rest, format="ISO8601", utc=True, errors="coerce")
                values[slow] = again.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
            result[idx] = values
        local_mask = ~offset_mask
        if local_mask.any():
            idx = np.flatnonzero(local_mask)
            part = text.filter(pc.invert(has_offset))
            naive = _parse(part, NAIVE_FORMATS, NAIVE).to_numpy(zero_copy_only=False)
            naive = naive.astype("datetime64[us]")
            slow = np.isnat(naive)
            if slow.any():  # other spellings (a date alone, fractions of seconds…)
                rest = pd.Series(np.asarray(part.to_pylist(), dtype=object)[slow])
                naive[slow] = parse_naive(rest).to_numpy(dtype="datetime64[us]")
            utc, missing = self._localize(naive, series, idx)
            result[idx] = utc
            why[idx[missing]] = "local_time_missing"
        why[np.isnat(result) & (why == "")] = "timestamp"
        return pa.array(result, type=NAIVE).cast(UTC), why

    def _localize(
        self, naive: np.ndarray, series: pa.Table, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """`naive` (the block's `rows`) localized; the ambiguous ones by order of appearance."""
        index = pd.DatetimeIndex(naive)
        plain = index.tz_localize(self.tz, ambiguous="NaT", nonexistent="NaT")
        utc = plain.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[us]").copy()
        unsure = np.flatnonzero(np.isnat(utc) & ~np.isnat(naive))
        missing = np.zeros(len(naive), dtype=bool)
        if len(unsure):
            summer = index[unsure].tz_localize(self.tz, ambiguous=True, nonexistent="NaT")
            summer_utc = summer.tz_convert("UTC").tz_localize(None).to_numpy("datetime64[us]")
            winter = index[unsure].tz_localize(self.tz, ambiguous=False, nonexistent="NaT")
            winter_utc = winter.tz_convert("UTC").tz_localize(None).to_numpy("datetime64[us]")
            ambiguous = series.take(pa.array(rows[unsure])).to_pylist()  # a few rows a year
            names = [tuple(r.values()) for r in ambiguous]
            for i, row in enumerate(unsure):
                if np.isnat(summer_utc[i]):
                    missing[row] = True
                    continue
                key = (names[i], int(naive[row].astype("int64")))
                times = self.seen.get(key, 0)
                self.seen[key] = times + 1
                utc[row] = summer_utc[i] if times == 0 else winter_utc[i]
        return utc, missing
