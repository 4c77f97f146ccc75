"""GTFS timetable (zip) -> ``departures`` dataset: every departure from every stop on a date.

Services running on the date follow GTFS: calendar.txt (weekday flags between start_date and
end_date) plus calendar_dates.txt (exception_type 1 adds the date, 2 removes it). Departure
times past 24:00:00 (trips after midnight) stay on their service day, as GTFS defines them.
Stored columns: stop_id, stop_name, service_date, departure_s (seconds since the start of the
service day, GTFS time, may exceed 24 h), route_id, trip_id. ``pt_supply`` gives departures per
stop and hour with mean headways. Beside them, the ``stops`` dataset holds the day's stops that
have departures, with their WGS84 position (null when the feed gives none), for the map.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.engines import dataset_dir
from analytics.geo import distances_to_area_km
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
STOPS_KEY = ["service_date", "stop_id"]
STOPS_SCHEMA = pa.schema(
    [
        ("service_date", pa.date32()),
        ("stop_id", pa.string()),
        ("stop_name", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
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
#: Stops farther than this from the town's territory are left out of its departures. A town
#: seldom has a feed of its own: its operator publishes one for a canton or a region, so most
#: stops of a feed are elsewhere. 30 km keeps the town's stops and those just past its border
#: that its lines serve (a regional bus's next villages), without taking in the next region's
#: network.
NEAR_KM = 30.0
#: The longest line a member may have: a GTFS row is a few hundred bytes (a stop's name and
#: description, a trip's headsign); a line of megabytes is a file made to exhaust the parser.
MAX_LINE_BYTES = 64 * 1024
#: How many stops left out a report names as examples.
EXAMPLES = 5
CALENDAR_COLUMNS = {
    "calendar.txt": ["service_id", "start_date", "end_date"],
    "calendar_dates.txt": ["service_id", "date", "exception_type"],
}
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
    where = {"file": path.name, "member": info.filename}
    _check_lines(raw, where)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFormatError("gtfs_member_encoding", **where, encoding="UTF-16")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            "gtfs_member_encoding", **where, encoding=f"byte {raw[exc.start]:#04x}"
        ) from exc
    try:
        return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFormatError("gtfs_member_unreadable", **where, detail=exc) from exc


def _check_lines(raw: bytes, where: dict) -> None:
    """Refuse a member with a line past MAX_LINE_BYTES (found without splitting the member)."""
    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
    bounds = np.concatenate([[-1], ends, [len(raw)]])
    lengths = np.diff(bounds) - 1
    longest = int(lengths.argmax()) if len(lengths) else 0
    if len(lengths) and lengths[longest] > MAX_LINE_BYTES:
        raise ImportFormatError(
            "gtfs_line_too_long",
            **where,
            line=longest + 1,
            length=int(lengths[longest]),
            limit=MAX_LINE_BYTES,
        )


def _check_columns(tables: dict[str, pd.DataFrame], path: Path) -> None:
    for name, columns in {**REQUIRED, **CALENDAR_COLUMNS}.items():
        frame = tables.get(name)
        if frame is None:
            if name in REQUIRED:
                raise ImportFormatError("gtfs_missing_table", file=path.name, table=name)
            continue
        if name == "calendar.txt":
            columns = [*columns, *WEEKDAYS]
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ImportFormatError(
                "gtfs_missing_columns", file=path.name, table=name, missing=", ".join(missing)
            )
    if "calendar.txt" not in tables and "calendar_dates.txt" not in tables:
        raise ImportFormatError("gtfs_no_calendar", file=path.name)


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(str(text).strip(), "%Y%m%d").date()  # noqa: DTZ007 (a date)
    except ValueError:
        return None


def validity(tables: dict[str, pd.DataFrame]) -> tuple[date, date] | None:
    """The first and last day the feed has a service on (calendar.txt's ranges and the days
    calendar_dates.txt adds); None when it names no readable day."""
    days: list[str] = []
    calendar = tables.get("calendar.txt")
    if calendar is not None and len(calendar):
        days += [*calendar.start_date, *calendar.end_date]
    dates = tables.get("calendar_dates.txt")
    if dates is not None and len(dates):
        days += list(dates.date[dates.exception_type.str.strip() == "1"])
    parsed = [d for d in map(_day, days) if d is not None]
    return (min(parsed), max(parsed)) if parsed else None


def default_service_date(tables: dict[str, pd.DataFrame], path: Path, *, today: date) -> date:
    """The day to read when none is given: ``today`` when the feed runs today, otherwise the
    first Tuesday of its validity with a service (an ordinary working day, the timetable a town
    plans on), otherwise its first day with a service."""
    span = _span(tables, path)
    if span[0] <= today <= span[1] and services_on(tables, path, today):
        return today
    days = [span[0] + timedelta(days=n) for n in range((span[1] - span[0]).days + 1)]
    for day in sorted(days, key=lambda d: d.weekday() != 1):
        if services_on(tables, path, day):
            return day
    raise ImportFormatError(
        "gtfs_no_service", file=path.name, date=span[0], first=span[0], last=span[1]
    )


def _span(tables: dict[str, pd.DataFrame], path: Path) -> tuple[date, date]:
    span = validity(tables)
    if span is None:
        raise ImportFormatError("gtfs_no_calendar", file=path.name)
    return span


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
        today = dates[dates.date.str.strip() == ymd]
        kind = today.exception_type.str.strip()
        active |= set(today.service_id[kind == "1"])
        active -= set(today.service_id[kind == "2"])
    return active


def _seconds(times: pd.Series) -> pd.Series:
    parts = times.str.strip().str.extract(r"^(\d{1,2}):(\d{2}):(\d{2})$").astype("Int64")
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def read_departures(
    path: str | Path,
    *,
    service_date: date | None = None,
    report: ImportReport,
    territory: Sequence | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """All departures on ``service_date`` (read_feed)."""
    departures, _stops = read_feed(
        path, service_date=service_date, report=report, territory=territory, today=today
    )
    return departures


def read_feed(
    path: str | Path,
    *,
    service_date: date | None = None,
    report: ImportReport,
    territory: Sequence | None = None,
    today: date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All departures on ``service_date`` (rows with unreadable times go to the quarantine),
    and the stops they leave from with their position (STOPS_SCHEMA; a position outside
    WGS84's ranges or unreadable is null).

    Without a date, the feed's default day (default_service_date, ``today`` required). A day
    outside the feed's validity, or on which nothing runs, is refused with the validity. With a
    ``territory`` (the town's polygons of WGS84 (lon, lat) rings), stops farther than NEAR_KM
    from it are left out and the report says how many; a feed with no stop near it is refused.
    """
    path = Path(path)
    tables = _tables(path)
    _check_columns(tables, path)
    first, last = _span(tables, path)
    if service_date is None:
        if today is None:
            raise ValueError("read_departures: give service_date or today")
        service_date = default_service_date(tables, path, today=today)
    span = {"file": path.name, "date": service_date, "first": first, "last": last}
    if not first <= service_date <= last:
        raise ImportFormatError("gtfs_date_outside", **span)
    active = services_on(tables, path, service_date)
    if not active:
        raise ImportFormatError("gtfs_no_service", **span)
    report.note("gtfs_service_date", **span)
    near = _stops_near(tables["stops.txt"], path, territory, report)
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
    if near is not None:
        times = times[times.stop_id.isin(near)]
    stops = tables["stops.txt"]
    names = stops.set_index("stop_id").get("stop_name", pd.Series(dtype=str))
    times["stop_name"] = times.stop_id.map(names).fillna("")
    times["service_date"] = service_date
    times["departure_s"] = times.departure_s.astype("int64")
    departures = times[SCHEMA.names].drop_duplicates(KEY).reset_index(drop=True)
    return departures, _stops_of(stops, departures, service_date)


def _stops_of(stops: pd.DataFrame, departures: pd.DataFrame, day: date) -> pd.DataFrame:
    used = stops[stops.stop_id.isin(set(departures.stop_id))].drop_duplicates("stop_id")
    nowhere = pd.Series(float("nan"), index=used.index)
    lat = pd.to_numeric(used.get("stop_lat", nowhere), errors="coerce")
    lon = pd.to_numeric(used.get("stop_lon", nowhere), errors="coerce")
    placed = lat.between(-90, 90) & lon.between(-180, 180)
    return pd.DataFrame(
        {
            "service_date": day,
            "stop_id": used.stop_id.astype(str),
            "stop_name": used.get("stop_name", used.stop_id).fillna("").astype(str),
            "lat": lat.where(placed).astype("float64"),
            "lon": lon.where(placed).astype("float64"),
        }
    ).reset_index(drop=True)


def _stops_near(
    stops: pd.DataFrame, path: Path, territory: Sequence | None, report: ImportReport
) -> set[str] | None:
    """The ids of the stops within NEAR_KM of the territory (None: no territory, all kept);
    the others are counted in the report with a few named."""
    if territory is None:
        return None
    missing = [c for c in ("stop_lat", "stop_lon") if c not in stops.columns]
    if missing:
        raise ImportFormatError(
            "gtfs_missing_columns", file=path.name, table="stops.txt", missing=", ".join(missing)
        )
    lats = pd.to_numeric(stops.stop_lat, errors="coerce")
    lons = pd.to_numeric(stops.stop_lon, errors="coerce")
    placed = lats.between(-90, 90) & lons.between(-180, 180)
    km = pd.Series(float("inf"), index=stops.index)
    km[placed] = distances_to_area_km(lats[placed].tolist(), lons[placed].tolist(), territory)
    near = km <= NEAR_KM
    if not near.any():
        nearest = km.min()
        raise ImportFormatError(
            "gtfs_no_stop_in_town",
            file=path.name,
            stops=len(stops),
            km=int(NEAR_KM),
            nearest=round(nearest) if pd.notna(nearest) and nearest < float("inf") else "?",
        )
    far = stops[~near]
    if len(far):
        names = far.get("stop_name", far.stop_id).astype(str).head(EXAMPLES)
        report.note(
            "gtfs_stops_left_out",
            count=len(far),
            total=len(stops),
            km=int(NEAR_KM),
            examples=", ".join(names),
        )
    return set(stops.stop_id[near])


def import_gtfs(
    path: str | Path,
    *,
    root: str | Path,
    municipality_id: int | str,
    service_date: date | None = None,
    territory: Sequence | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Store the departures of ``service_date`` under ``<root>/<municipality_id>/departures``
    (read_departures: the default day, the validity, the stops near the territory).
    ``progress`` hears 0 %, then 80 % once the zip is read, then 100 % when stored."""
    stages = Stages(progress, read=80, store=20)
    stages.read(0)
    report = ImportReport(file=Path(path).name)
    rows, stops = read_feed(
        path, service_date=service_date, report=report, territory=territory, today=today
    )
    stages.read(1.0)
    if len(rows):
        day = rows.service_date.iloc[0].isoformat()
        folder = dataset_dir(root, municipality_id, "departures")
        partition = pd.Series(day, index=rows.index)
        merged = merge_into(folder, rows, key=KEY, partition=partition, schema=SCHEMA)
        report.rows_imported, report.rows_replaced = merged.inserted, merged.replaced
        report.rows_unchanged = merged.unchanged
        merge_into(
            dataset_dir(root, municipality_id, "stops"),
            stops,
            key=STOPS_KEY,
            partition=pd.Series(day, index=stops.index),
            schema=STOPS_SCHEMA,
        )
    stages.store(1.0)
    return report
