"""The rows of a counts file: the reading options, the long and wide layouts turned into the
same columns, and the check of each row (a count is whole, not negative and within what the
column stores: numbers.py); a refused row goes to the report's quarantine with its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.numbers import reason_params, whole_counts
from analytics.ingest.report import ImportFormatError, ImportReport
from analytics.ingest.stamps import LocalTimes
from analytics.timeparse import parse_naive, timestamp_problem

MODES = ("pedestrian", "bicycle", "car", "heavy", "bus", "all")
HOUR_RE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?(?:\s*[-–]\s*\d{1,2}(?::\d{2})?)?\s*h?\s*$")


@dataclass
class CountsOptions:
    """How to read a counts file that does not use the default names."""

    layout: str = "long"  # "long" or "wide"
    site: str = "site_id"
    timestamp: str = "timestamp"
    count: str = "count"
    direction: str = "direction"
    mode: str = "mode"
    lane: str = "lane"
    date: str = "date"  # wide layout
    hour: str = "hour"  # wide layout
    delimiter: str | None = None  # None: guess among , ; tab
    decimal: str = "."
    default_mode: str = "all"
    sites: list[str] = field(default_factory=list)  # wide layout: site columns (default: all)

    @classmethod
    def from_dict(cls, data: dict | None) -> CountsOptions:
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ImportFormatError("counts_options", names=", ".join(sorted(unknown)))
        return cls(**data)


def _wide_to_long(frame: pd.DataFrame, options: CountsOptions, report: ImportReport, path: Path):
    date_col, hour_col = options.date, options.hour
    site_cols = options.sites or [
        c for c in frame.columns if c not in (date_col, hour_col, "_line")
    ]
    if not site_cols:
        raise ImportFormatError("counts_wide_no_sites", file=path.name)
    hours = frame[hour_col].str.extract(HOUR_RE)
    hour_ok = hours[0].notna()
    naive = parse_naive(frame[date_col]).dt.normalize()
    local_text = (
        naive.dt.strftime("%Y-%m-%d")
        + " "
        + hours[0].fillna("0").str.zfill(2)
        + ":"
        + hours[1].fillna("00")
    )
    local_text = local_text.where(hour_ok & naive.notna())
    for _, row in frame[~(hour_ok & naive.notna())].iterrows():
        report.reject(row["_line"], "date_hour", date=row[date_col], hour=row[hour_col])
    base = pd.DataFrame({"timestamp": local_text, "_line": frame["_line"]})
    long = []
    for col in site_cols:
        part = base.copy()
        part["site_id"] = col
        part["count"] = frame[col].str.strip()
        long.append(part)
    out = pd.concat(long, ignore_index=True)
    out = out[out["timestamp"].notna()]
    empty = out["count"] == ""
    report.empty_cells += int(empty.sum())
    out = out[~empty].sort_values(["_line"], kind="stable")
    out["direction"], out["mode"], out["lane"] = "", options.default_mode, ""
    return out.reset_index(drop=True)


def _why(code: str, row: dict, tz: str) -> dict:
    """The parameters of a row's quarantine code (report.ENGLISH)."""
    if code.startswith("value_"):
        column = "site_id" if code == "value_empty" else "count"
        return {**reason_params(code, column), "value": row.get(column, "")}
    if code == "unknown_site":
        return {"site": row["site_id"]}
    if code == "unknown_mode":
        return {"mode": row["mode"], "expected": ", ".join(MODES)}
    return timestamp_problem(code, row["timestamp"], tz)


def _trimmed(table: pa.Table, name: str, default: str = "") -> pa.ChunkedArray | pa.Array:
    if name in table.column_names:
        return pc.utf8_trim_whitespace(table[name].combine_chunks())
    return pa.repeat(pa.scalar(default, pa.string()), table.num_rows)


def long_rows(table: pa.Table, options: CountsOptions, first_line: int) -> pa.Table:
    """A block of the long layout as the columns checked below, each trimmed."""
    mode = _trimmed(table, options.mode, options.default_mode)
    if options.mode in table.column_names:
        mode = pc.utf8_lower(pc.if_else(pc.equal(mode, ""), options.default_mode, mode))
    return pa.table(
        {
            "site_id": _trimmed(table, options.site),
            "timestamp": _trimmed(table, options.timestamp),
            "count": _trimmed(table, options.count),
            "direction": _trimmed(table, options.direction),
            "mode": mode,
            "lane": _trimmed(table, options.lane),
            "_line": pa.array(np.arange(first_line, first_line + table.num_rows), pa.int64()),
        }
    )


def wide_rows(table, options, first_line, report, path) -> pa.Table:
    """A block of the wide layout turned long (one row per site and hour)."""
    frame = table.to_pandas().astype(object)
    frame["_line"] = np.arange(first_line, first_line + len(frame))
    long = _wide_to_long(frame, options, report, path)
    columns = {
        name: pa.array(long[name].astype(object).tolist(), pa.string())
        for name in ("site_id", "timestamp", "count", "direction", "mode", "lane")
    }
    columns["_line"] = pa.array(long["_line"].to_numpy(np.int64), pa.int64())
    return pa.table(columns)


_PLAIN = r"^[0-9]{1,18}$"


def _counts(text: pa.Array, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Counts as int64 and why each refused one is refused ("" when read): plain digits (and
    100,0 with its decimal mark) by pyarrow at once, any other spelling (1'200, 1e3…) by
    numbers.whole_counts."""
    n = len(text)
    values = np.zeros(n, dtype="int64")
    why = np.full(n, "", dtype=object)
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN), False)
    plain_np = plain.to_numpy(zero_copy_only=False)
    if plain_np.all():
        return pc.cast(text, pa.int64()).to_numpy(), why
    if plain_np.any():
        values[plain_np] = pc.cast(text.filter(plain), pa.int64()).to_numpy()
    rest = np.flatnonzero(~plain_np)
    others = text.take(pa.array(rest))
    mark = re.escape(decimal)
    whole = pc.fill_null(pc.match_substring_regex(others, rf"^[0-9]{{1,18}}{mark}0+$"), False)
    whole_np = whole.to_numpy(zero_copy_only=False)
    if whole_np.any():  # 100,0 or 100.0: the digits before the mark
        digits = pc.replace_substring_regex(others.filter(whole), rf"{mark}0+$", "")
        values[rest[whole_np]] = pc.cast(digits, pa.int64()).to_numpy()
    slow = rest[~whole_np]
    if len(slow):
        spelled = pd.Series(np.asarray(text.take(pa.array(slow)).to_pylist(), dtype=object))
        if decimal != ".":
            spelled = spelled.str.replace(".", "", regex=False)
            spelled = spelled.str.replace(decimal, ".", regex=False)
        count, problem = whole_counts(spelled)
        values[slow] = count.to_numpy()
        why[slow] = np.where(
            spelled.to_numpy() == "", "value_missing", problem.fillna("").to_numpy()
        )
    return values, why


class Checker:
    """Checks blocks of rows one after the other (see parse_counts)."""

    def __init__(self, *, tz: str, options: CountsOptions, known_sites, report) -> None:
        self.tz, self.options, self.report = tz, options, report
        self.known = None if known_sites is None else pa.array(sorted(set(known_sites)))
        self.times = LocalTimes(tz)

    def check(self, rows: pa.Table) -> pa.Table:
        """The good rows of a block (SCHEMA and _line); the others go to the quarantine."""
        site, mode = rows["site_id"], rows["mode"]
        count, why = _counts(rows["count"], self.options.decimal)

        def refuse(mask, code: str) -> None:
            mask = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
            why[mask & (why == "")] = code

        refuse(pc.equal(site, ""), "value_empty")
        if self.known is not None:
            refuse(pc.invert(pc.is_in(site, value_set=self.known)), "unknown_site")
        refuse(pc.invert(pc.is_in(mode, value_set=pa.array(MODES))), "unknown_mode")
        series = rows.select(["site_id", "direction", "mode", "lane"])
        ts, ts_why = self.times.parse(rows["timestamp"], series)
        why = np.where(why == "", ts_why, why)
        bad = why != ""
        if bad.any():
            columns = rows.select(["site_id", "timestamp", "count", "mode", "_line"])
            for row, code in zip(columns.filter(pa.array(bad)).to_pylist(), why[bad], strict=True):
                self.report.reject(row["_line"], code, **_why(code, row, self.tz))
        good = pa.array(~bad)
        ts = ts.filter(good)
        local = pc.local_timestamp(ts.cast(pa.timestamp("us", tz=self.tz)))
        return pa.table(
            {
                "site_id": site.filter(good),
                "ts_utc": ts,
                "local_date": local.cast(pa.date32()),
                "local_hour": pc.hour(local).cast(pa.int8()),
                "count": pa.array(count[~bad], pa.int64()),
                "direction": rows["direction"].filter(good),
                "mode": mode.filter(good),
                "lane": rows["lane"].filter(good),
                "_line": rows["_line"].filter(good),
            }
        )
