"""The town's public-transport departures (GTFS imports, analytics.ingest.gtfs): the days
stored and, for one day, the departures per stop and hour with their headways."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import indicators
from analytics.engines import dataset_dir
from commune.tenants.models import Municipality

from .ingest import warehouse_root
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
