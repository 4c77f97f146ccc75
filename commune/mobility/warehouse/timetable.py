"""The town's public-transport departures (GTFS imports, analytics.ingest.gtfs): the days
stored and, for one day, the departures per stop and hour with their headways, and the stops
with their position for the map."""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from analytics import indicators
from analytics.engines import dataset_dir
from analytics.geo import lv95_to_wgs84
from analytics.ingest.gtfs import import_gtfs
from commune.tenants.models import Municipality

from .ingest import territory_wgs84, warehouse_root
from .read import _store, _table_or_none


def departure_days(*, municipality: Municipality) -> list[dt.date]:
    """The service days whose departures the town's warehouse holds (one file each), latest
    first."""
    folder = dataset_dir(warehouse_root(), municipality.pk, "departures")
    days = []
    for path in folder.glob("*.parquet") if folder.is_dir() else []:
        try:
            days.append(dt.date.fromisoformat(path.stem))
        except ValueError:
            continue
    return sorted(days, reverse=True)


def departures_per_stop_hour(*, municipality: Municipality, day: dt.date) -> pd.DataFrame:
    """One row per stop and hour of ``day`` (GTFS hours: past 23 for trips after midnight):
    stop_id, stop_name, hour, departures, mean_headway_min (analytics.indicators.pt_supply).
    Empty when the day is not stored."""
    store = _store()
    table = _table_or_none(store, municipality, "departures")
    columns = ["stop_id", "stop_name", "hour", "departures", "mean_headway_min"]
    if table is None:
        return pd.DataFrame(columns=columns)
    supply = store.execute(indicators.pt_supply(table, service_date=day))
    names = store.execute(
        table.filter(table.service_date == day).select("stop_id", "stop_name").distinct()
    )
    supply = supply.merge(names.drop_duplicates("stop_id"), on="stop_id", how="left")
    return supply[columns].sort_values(["stop_name", "stop_id", "hour"]).reset_index(drop=True)


#: The day's service hours a stop's interval on the map is read over: 7:00 to 19:00.
DAYTIME = (7, 19)


def stops_supply(*, municipality: Municipality, day: dt.date) -> pd.DataFrame:
    """One row per stop with departures on ``day`` and a position: stop_id, stop_name, lat,
    lon, departures (the whole service day) and interval_min, the mean interval between
    departures from 7:00 to 19:00 (720 minutes over that period's departures; null when none
    leaves then). Empty when the day is not stored or its stops have no position."""
    columns = ["stop_id", "stop_name", "lat", "lon", "departures", "interval_min"]
    store = _store()
    table = _table_or_none(store, municipality, "stops")
    if table is None:
        return pd.DataFrame(columns=columns)
    stops = store.execute(
        table.filter((table.service_date == day) & table.lat.notnull() & table.lon.notnull())
    )
    supply = departures_per_stop_hour(municipality=municipality, day=day)
    if stops.empty or supply.empty:
        return pd.DataFrame(columns=columns)
    day_total = supply.groupby("stop_id").departures.sum()
    start, end = DAYTIME
    daytime = supply[(supply.hour >= start) & (supply.hour < end)].groupby("stop_id").departures
    minutes = (end - start) * 60
    interval = (minutes / daytime.sum()).rename("interval_min")
    out = stops.merge(day_total.rename("departures"), left_on="stop_id", right_index=True)
    out = out.merge(interval, left_on="stop_id", right_index=True, how="left")
    out["departures"] = out.departures.astype(int)
    return out[columns].sort_values("stop_id").reset_index(drop=True)


def demo_timetable_write(
    *, municipality: Municipality, stops: list[tuple[str, str, float, float]], day: dt.date
) -> int:
    """A demo bus line through `stops` (id, name, E, N in LV95), every 15 minutes from 6:00 to
    20:00 and every 30 minutes until 0:30 on working days, imported for `day` as a town's GTFS
    feed is (analytics.ingest.gtfs, the town's territory included). Returns the departures
    stored (0 when they already were)."""
    lines = ["stop_id,stop_name,stop_lat,stop_lon"]
    for stop_id, name, e, n in stops:
        lat, lon = lv95_to_wgs84(e, n)
        lines.append(f"{stop_id},{name},{lat:.6f},{lon:.6f}")
    starts = [6 * 60 + 15 * k for k in range(56)] + [20 * 60 + 30 * k for k in range(10)]
    trips, times = ["trip_id,service_id,route_id"], ["trip_id,stop_id,departure_time"]
    for k, start in enumerate(starts):
        trips.append(f"T{k},WD,1")
        for i, (stop_id, *_rest) in enumerate(stops):
            minute = start + 3 * i
            times.append(f"T{k},{stop_id},{minute // 60:02d}:{minute % 60:02d}:00")
    first, last = day - dt.timedelta(days=180), day + dt.timedelta(days=180)
    calendar = (
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        f"WD,1,1,1,1,1,0,0,{first:%Y%m%d},{last:%Y%m%d}\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-gtfs.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("stops.txt", "\n".join(lines) + "\n")
            archive.writestr("trips.txt", "\n".join(trips) + "\n")
            archive.writestr("stop_times.txt", "\n".join(times) + "\n")
            archive.writestr("calendar.txt", calendar)
        report = import_gtfs(
            path,
            root=warehouse_root(),
            municipality_id=municipality.pk,
            service_date=day,
            territory=territory_wgs84(municipality=municipality),
        )
    return report.rows_imported
