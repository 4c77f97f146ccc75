"""Counting sites (loops, radar, cameras, bicycle and pedestrian counters) -> ``counts`` dataset.

Long layout (default): ``site_id,timestamp,count`` plus optional ``direction``, ``mode``, ``lane``.
Wide layout: a date column, an hour column (``6:00-6:59``, ``6`` or ``06:00``) and one count
column per site. :class:`CountsOptions` maps other column names, the delimiter and the decimal
mark. A count is whole, not negative and within what the column stores (numbers.py). Stored
key: site_id + ts_utc + direction + mode + lane; a re-import replaces a stored value for the
same key (the corrected delivery wins) and leaves identical rows untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from analytics.engines import dataset_dir
from analytics.ingest.chunks import (
    CHUNK_ROWS,
    Progress,
    Stages,
    header_line,
    read_csv,
    sniff_encoding,
)
from analytics.ingest.numbers import reason_params, whole_counts
from analytics.ingest.report import ImportFormatError, ImportReport
from analytics.store import merge_by_month
from analytics.timeparse import local_columns, parse_naive, parse_timestamps, timestamp_problem
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


def _read_frame(path: Path, options: CountsOptions, on_fraction=None, chunk_rows=CHUNK_ROWS):
    encoding = sniff_encoding(path, expected="counts_csv")
    sep = options.delimiter or guess_delimiter(header_line(path, encoding))
    return read_csv(
        path, sep=sep, encoding=encoding, on_fraction=on_fraction, chunk_rows=chunk_rows
    )


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


def _long(frame: pd.DataFrame, options: CountsOptions) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "site_id": frame[options.site].str.strip(),
            "timestamp": frame[options.timestamp],
            "count": frame[options.count].str.strip(),
            "_line": frame["_line"],
        }
    )
    for name in ("direction", "mode", "lane"):
        col = getattr(options, name)
        default = options.default_mode if name == "mode" else ""
        out[name] = frame[col].str.strip() if col in frame.columns else default
    out["mode"] = out["mode"].replace("", options.default_mode).str.lower()
    return out


def _why(code: str, row: dict, tz: str) -> dict:
    """The parameters of a row's quarantine code (report.ENGLISH)."""
    if code.startswith("value_"):
        return reason_params(code, "site_id" if code == "value_empty" else "count")
    if code == "unknown_site":
        return {"site": row["site_id"]}
    if code == "unknown_mode":
        return {"mode": row["mode"], "expected": ", ".join(MODES)}
    return timestamp_problem(code, row["timestamp"], tz)


def parse_counts(
    path: Path,
    *,
    tz: str,
    options: CountsOptions,
    known_sites,
    report,
    on_fraction=None,
    chunk_rows: int = CHUNK_ROWS,
):
    """Read, validate and normalise a counts file; bad rows go to ``report.quarantine``."""
    frame = _read_frame(path, options, on_fraction, chunk_rows)
    if options.layout == "wide":
        _require(frame, [options.date, options.hour], path, "wide")
        rows = _wide_to_long(frame, options, report, path)
    elif options.layout == "long":
        _require(frame, [options.site, options.timestamp, options.count], path, "long")
        rows = _long(frame, options)
    else:
        raise ImportFormatError("counts_layout", layout=options.layout)
    report.rows_read = len(rows) + len(report.quarantine)
    bad = pd.Series(None, index=rows.index, dtype="object")

    text = rows["count"]
    if options.decimal != ".":
        text = text.str.replace(".", "", regex=False).str.replace(options.decimal, ".", regex=False)
    count, count_problem = whole_counts(text)
    bad[text == ""] = "value_missing"
    bad[bad.isna()] = count_problem[bad.isna()]
    bad[bad.isna() & (rows["site_id"] == "")] = "value_empty"
    if known_sites is not None:
        bad[bad.isna() & ~rows["site_id"].isin(set(known_sites))] = "unknown_site"
    bad[bad.isna() & ~rows["mode"].isin(MODES)] = "unknown_mode"

    series = (
        rows["site_id"] + "\x1f" + rows["direction"] + "\x1f" + rows["mode"] + "\x1f" + rows["lane"]
    )
    ts, why = parse_timestamps(rows["timestamp"], tz, series)
    bad[bad.isna() & why.notna()] = why[bad.isna() & why.notna()]

    for row, code in zip(rows[bad.notna()].to_dict("records"), bad[bad.notna()], strict=True):
        report.reject(row["_line"], code, **_why(code, row, tz))
    good = rows[bad.isna()].copy()
    good["ts_utc"] = ts[bad.isna()]
    good["count"] = count[bad.isna()]

    dup = good.duplicated(KEY, keep="last")
    if dup.any():
        last_line = good.drop_duplicates(KEY, keep="last").set_index(KEY)["_line"]
        for _, row in good[dup].iterrows():
            kept = last_line.loc[tuple(row[k] for k in KEY)]
            report.reject(row["_line"], "duplicate_of", kept=kept)
        good = good[~dup]
    good["local_date"], good["local_hour"] = local_columns(good["ts_utc"], tz)
    return good[SCHEMA.names].reset_index(drop=True)


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

    ``progress`` is called with a growing percent as the file is read (by blocks of
    ``chunk_rows`` rows), checked and stored (one month partition after another)."""
    path = Path(path)
    if not isinstance(options, CountsOptions):
        options = CountsOptions.from_dict(options)
    stages = Stages(progress, read=50, check=20, store=30)
    stages.read(0)
    report = ImportReport(file=path.name)
    rows = parse_counts(
        path,
        tz=tz,
        options=options,
        known_sites=known_sites,
        report=report,
        on_fraction=stages.read,
        chunk_rows=chunk_rows,
    )
    stages.check(1.0)
    report.quarantine.sort(key=lambda q: q.line)
    if len(rows):
        folder = dataset_dir(root, municipality_id, "counts")
        merged = merge_by_month(folder, rows, key=KEY, schema=SCHEMA, on_fraction=stages.store)
        report.rows_imported = merged.inserted
        report.rows_replaced = merged.replaced
        report.rows_unchanged = merged.unchanged
    stages.store(1.0)
    return report
