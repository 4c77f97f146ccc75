"""Counting sites (loops, radar, cameras, bicycle and pedestrian counters) -> ``counts`` dataset.

Long layout (default): ``site_id,timestamp,count`` plus optional ``direction``, ``mode``, ``lane``.
Wide layout: a date column, an hour column (``6:00-6:59``, ``6`` or ``06:00``) and one count
column per site. :class:`CountsOptions` maps other column names, the delimiter and the decimal
mark. A count is whole, not negative and within what the column stores (numbers.py). Stored
key: site_id + ts_utc + direction + mode + lane; a re-import replaces a stored value for the
same key (the corrected delivery wins) and leaves identical rows untouched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.engines import dataset_dir
from analytics.ingest.chunks import (
    Progress,
    Stages,
    header_line,
    sniff_encoding,
    stream_csv,
)
from analytics.ingest.numbers import reason_params, whole_counts
from analytics.ingest.report import ImportFormatError, ImportReport
from analytics.ingest.stamps import LocalTimes
from analytics.store import MonthlyMerge
from analytics.timeparse import parse_naive, timestamp_problem
from untrusted.delimiters import guess_delimiter

MODES = ("pedestrian", "bicycle", "car", "heavy", "bus", "all")
KEY = ["site_id", "ts_utc", "direction", "mode", "lane"]
SCHEMA = pa.schema(
    [
        ("site_id", pa.string()),
        ("ts_utc", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("count", pa.int64()),
        ("direction", pa.string()),
        ("mode", pa.string()),
        ("lane", pa.string()),
    ]
)
#: Rows read, checked and spilled at a time: a block of a few tens of MB.
CHUNK_ROWS = 100_000
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


def _require(frame: pd.DataFrame, columns: list[str], path: Path, layout: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = ", ".join(c for c in frame.columns if c != "_line")
        raise ImportFormatError(
            "counts_columns",
            file=path.name,
            missing=", ".join(missing),
            layout=layout,
            found=found,
        )


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


def _long_rows(table: pa.Table, options: CountsOptions, first_line: int) -> pa.Table:
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


def _wide_rows(table, options, first_line, report, path) -> pa.Table:
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


class _Checker:
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


#: The hours of quarter-hourly series (a series with a time off the hour in the file) that
#: hold fewer than their four quarters: (site, direction, mode, lane, UTC hour, quarters).
PARTIAL_HOURS_SQL = """
WITH quarterly AS (
    SELECT DISTINCT site_id, direction, mode, lane FROM fresh WHERE minute(ts_utc) <> 0
), hours AS (
    SELECT f.site_id, f.direction, f.mode, f.lane, date_trunc('hour', f.ts_utc) AS hour_utc,
           count(*) AS quarters
    FROM fresh f SEMI JOIN quarterly q USING (site_id, direction, mode, lane)
    GROUP BY ALL
)
SELECT site_id, epoch(hour_utc), quarters FROM hours WHERE quarters < 4
ORDER BY site_id, hour_utc
"""


class _PartialHours:
    """Counts the incomplete hours of 15-minute data, month after month (MonthlyMerge's
    on_month): their hourly volume is the sum of fewer than four quarters."""

    EXAMPLES = 5

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[tuple[str, object, int]] = []

    def check(self, con) -> None:
        rows = con.execute(PARTIAL_HOURS_SQL)
        while batch := rows.fetchmany(10_000):
            self.count += len(batch)
            self.examples += batch[: self.EXAMPLES - len(self.examples)]

    def note(self, report: ImportReport, tz: str) -> None:
        if not self.count:
            return
        zone = ZoneInfo(tz)
        examples = ", ".join(
            f"{site} {dt.datetime.fromtimestamp(hour, tz=zone):%Y-%m-%d %H:00} ({quarters}/4)"
            for site, hour, quarters in self.examples
        )
        report.note("partial_hours", hours=self.count, examples=examples)


def parse_counts(
    path: Path,
    *,
    tz: str,
    options: CountsOptions,
    known_sites,
    report: ImportReport,
    on_fraction=None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pa.Table]:
    """Read and check a counts file block after block (never the whole file): yields the good
    rows of each block (SCHEMA plus ``_line``); bad rows go to ``report.quarantine``.
    Duplicates across blocks are found when the blocks are merged (analytics.store)."""
    encoding = sniff_encoding(path, expected="counts_csv")
    sep = options.delimiter or guess_delimiter(header_line(path, encoding))
    if options.layout not in ("long", "wide"):
        raise ImportFormatError("counts_layout", layout=options.layout)
    checker = _Checker(tz=tz, options=options, known_sites=known_sites, report=report)
    blocks = stream_csv(
        path, sep=sep, encoding=encoding, on_fraction=on_fraction, chunk_rows=chunk_rows
    )
    checked = False
    for names, table, first_line in blocks:
        if not checked:
            frame = pd.DataFrame(columns=names)
            if options.layout == "wide":
                _require(frame, [options.date, options.hour], path, "wide")
            else:
                _require(frame, [options.site, options.timestamp, options.count], path, "long")
            checked = True
        if options.layout == "wide":
            before = len(report.quarantine) + report.quarantine_more
            rows = _wide_rows(table, options, first_line, report, path)
            report.rows_read += len(report.quarantine) + report.quarantine_more - before
        else:
            rows = _long_rows(table, options, first_line)
        report.rows_read += rows.num_rows
        if rows.num_rows:
            yield checker.check(rows)


def import_counts(
    path: str | Path,
    *,
    root: str | Path,
    municipality_id: int | str,
    tz: str = "Europe/Zurich",
    options: CountsOptions | dict | None = None,
    known_sites=None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import a counts CSV into ``<root>/<municipality_id>/counts``; see the module docstring.

    The file is read by blocks of about ``chunk_rows`` rows, each checked and spilled to
    Parquet per month, then every month is merged into the store at once (all or nothing):
    the memory used does not grow with the file. ``progress`` is called with a growing
    percent as the file is read and checked, then stored (one month partition after another)."""
    path = Path(path)
    if not isinstance(options, CountsOptions):
        options = CountsOptions.from_dict(options)
    stages = Stages(progress, read=70, store=30)
    stages.read(0)
    report = ImportReport(file=path.name)
    folder = dataset_dir(root, municipality_id, "counts")
    with MonthlyMerge(folder, key=KEY, schema=SCHEMA) as merge:
        for rows in parse_counts(
            path,
            tz=tz,
            options=options,
            known_sites=known_sites,
            report=report,
            on_fraction=stages.read,
            chunk_rows=chunk_rows,
        ):
            merge.add(rows)
        stages.read(1.0)

        def duplicate(line: int, kept: int) -> None:
            report.reject(line, "duplicate_of", kept=kept)

        quarters = _PartialHours()
        merged = merge.merge(
            on_duplicate=duplicate, on_fraction=stages.store, on_month=quarters.check
        )
    quarters.note(report, tz)
    report.rows_imported = merged.inserted
    report.rows_replaced = merged.replaced
    report.rows_unchanged = merged.unchanged
    report.finish()
    stages.store(1.0)
    return report
