"""GTFS timetable (zip) -> ``departures`` dataset: every departure from every stop on a date.

Services running on the date follow GTFS: calendar.txt (weekday flags between start_date and
end_date) plus calendar_dates.txt (exception_type 1 adds the date, 2 removes it). Departure
times past 24:00:00 (trips after midnight) stay on their service day, as GTFS defines them.
Stored columns: stop_id, stop_name, service_date, departure_s (seconds since the start of the
service day, GTFS time, may exceed 24 h), route_id, trip_id. ``pt_supply`` gives departures per
stop and hour with mean headways.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from analytics.engines import dataset_dir
from analytics.ingest.chunks import Progress, Stages
from analytics.ingest.report import ImportFormatError, ImportReport
from analytics.store import merge_into
from untrusted.archives import ArchiveRefused, MiB, ZipLimits, zip_open, zip_read

REQUIRED = {
    "stops.txt": ["stop_id"],
    "trips.txt": ["trip_id", "service_id", "route_id"],
    "stop_times.txt": ["trip_id", "stop_id", "departure_time"],
}
KEY = ["service_date", "stop_id", "trip_id", "departure_s"]
SCHEMA = pa.schema(
    [
        ("service_date", pa.date32()),
        ("stop_id", pa.string()),
        ("trip_id", pa.string()),
        ("departure_s", pa.int64()),
        ("stop_name", pa.string()),
        ("route_id", pa.string()),
    ]
)
TABLES = [*REQUIRED, "calendar.txt", "calendar_dates.txt"]
#: What a GTFS zip may hold (untrusted.archives), checked before a member is read: a town's
#: timetable is a few dozen text files, stop_times.txt the largest (tens of MB for a region).
#: Folders are allowed (macOS adds __MACOSX/): nothing is unpacked, only the tables above are
#: read, from the top level.
GTFS_ZIP = ZipLimits(
    max_members=100,
    max_member_bytes=256 * MiB,
    max_total_bytes=512 * MiB,
    max_ratio=100,
    flat=False,
)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    """The GTFS tables the importer uses, read from a zip checked before any member is read."""
    try:
        with zip_open(path, GTFS_ZIP) as (archive, members):
            by_name = {info.filename: info for info in members}
            return {name: _read(archive, by_name[name], path) for name in TABLES if name in by_name}
    except ArchiveRefused as exc:
        raise _refusal(exc, path) from exc


def _refusal(exc: ArchiveRefused, path: Path) -> ImportFormatError:
    """The archive's refusal: its rule (`refusal`, untrusted.archives' code) and figures."""
    if exc.code != "damaged":
        return ImportFormatError(
            "archive_refused", file=path.name, detail=exc, refusal=exc.code, **exc.params
        )
    if exc.params.get("name"):
        return ImportFormatError(
            "archive_damaged_member", file=path.name, name=exc.params["name"], detail=exc
        )
    return ImportFormatError("gtfs_unreadable_zip", file=path.name, detail=exc)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> pd.DataFrame:
    raw = zip_read(archive, info)
    try:
        return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ImportFormatError(
            "gtfs_member_unreadable", file=path.name, member=info.filename, detail=exc
        ) from exc


def services_on(tables: dict[str, pd.DataFrame], path: Path, day: date) -> set[str]:
    calendar = tables.get("calendar.txt")
    dates = tables.get("calendar_dates.txt")
    if calendar is None and dates is None:
        raise ImportFormatError("gtfs_no_calendar", file=path.name)
    ymd = day.strftime("%Y%m%d")
    active: set[str] = set()
    if calendar is not None and len(calendar):
        runs = (calendar[WEEKDAYS[day.weekday()]] == "1") & (calendar.start_date <= ymd)
        active |= set(calendar.service_id[runs & (calendar.end_date >= ymd)])
    if dates is not None and len(dates):
        today = dates[dates.date == ymd]
        active |= set(today.service_id[today.exception_type == "1"])
        active -= set(today.service_id[today.exception_type == "2"])
    return active


def _seconds(times: pd.Series) -> pd.Series:
    parts = times.str.strip().str.extract(r"^(\d{1,2}):(\d{2}):(\d{2})$").astype("Int64")
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def read_departures(path: str | Path, *, service_date: date, report: ImportReport) -> pd.DataFrame:
    """All departures on ``service_date`` (rows with unreadable times go to the quarantine)."""
    path = Path(path)
    tables = _tables(path)
    for name, columns in REQUIRED.items():
        frame = tables.get(name)
        if frame is None:
            raise ImportFormatError("gtfs_missing_table", file=path.name, table=name)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ImportFormatError(
                "gtfs_missing_columns", file=path.name, table=name, missing=", ".join(missing)
            )
    active = services_on(tables, path, service_date)
    trips = tables["trips.txt"]
    trips = trips[trips.service_id.isin(active)][["trip_id", "route_id"]]
    times = tables["stop_times.txt"]
    times = times.assign(_line=times.index + 2).merge(trips, on="trip_id")
    report.rows_read = len(times)
    times["departure_s"] = _seconds(times.departure_time)
    for line, value in zip(
        times._line[times.departure_s.isna()],
        times.departure_time[times.departure_s.isna()],
        strict=True,
    ):
        if value:  # GTFS allows empty times on non-timepoint stops: not an error
            report.reject(line, "departure_time", value=value)
        else:
            report.empty_cells += 1
    times = times[times.departure_s.notna()]
    stops = tables["stops.txt"]
    names = stops.set_index("stop_id").get("stop_name", pd.Series(dtype=str))
    times["stop_name"] = times.stop_id.map(names).fillna("")
    times["service_date"] = service_date
    times["departure_s"] = times.departure_s.astype("int64")
    return times[SCHEMA.names].drop_duplicates(KEY).reset_index(drop=True)


def import_gtfs(
    path: str | Path,
    *,
    root: str | Path,
    municipality_id: int | str,
    service_date: date,
    progress: Progress | None = None,
) -> ImportReport:
    """Store the departures of ``service_date`` under ``<root>/<municipality_id>/departures``.
    ``progress`` hears 0 %, then 80 % once the zip is read, then 100 % when stored."""
    stages = Stages(progress, read=80, store=20)
    stages.read(0)
    report = ImportReport(file=Path(path).name)
    rows = read_departures(path, service_date=service_date, report=report)
    stages.read(1.0)
    if len(rows):
        folder = dataset_dir(root, municipality_id, "departures")
        partition = pd.Series(service_date.isoformat(), index=rows.index)
        merged = merge_into(folder, rows, key=KEY, partition=partition, schema=SCHEMA)
        report.rows_imported, report.rows_replaced = merged.inserted, merged.replaced
        report.rows_unchanged = merged.unchanged
    stages.store(1.0)
    return report
