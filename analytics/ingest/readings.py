"""Real-time sensor readings (parking occupancy, counters) exported from the web side's database
-> ``readings`` dataset.

The readings arrive over MQTT and are stored once in the database; a periodic export copies them
here so the indicators (``parking_occupancy``) run on the same engines as everything else. Rows:
sensor_id, kind (parking|counter), capacity (spaces, parking only), ts_utc, local_date,
local_hour, value (occupied spaces for parking). Merged on sensor_id + ts_utc, partitioned by UTC
month: exporting the same readings again changes nothing; a corrected value replaces.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.engines import dataset_dir
from analytics.store import MergeResult, merge_by_month
from analytics.timeparse import local_columns

KEY = ["sensor_id", "ts_utc"]
SCHEMA = pa.schema(
    [
        ("sensor_id", pa.string()),
        ("kind", pa.string()),
        ("capacity", pa.int64()),
        ("ts_utc", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("value", pa.float64()),
    ]
)


def store_readings(
    rows: pd.DataFrame, *, root, municipality_id, tz: str = "Europe/Zurich"
) -> MergeResult:
    """Merge readings (sensor_id, kind, capacity, ts_utc, value) into the town's dataset."""
    if rows.empty:
        return MergeResult()
    rows = rows.copy()
    rows["ts_utc"] = pd.to_datetime(rows["ts_utc"], utc=True).astype("datetime64[us, UTC]")
    rows["capacity"] = rows["capacity"].astype("Int64")
    rows["value"] = rows["value"].astype("float64")
    rows = rows.drop_duplicates(KEY, keep="last")
    rows["local_date"], rows["local_hour"] = local_columns(rows["ts_utc"], tz)
    rows = rows[SCHEMA.names].reset_index(drop=True)
    folder = dataset_dir(root, municipality_id, "readings")
    return merge_by_month(folder, rows, key=KEY, schema=SCHEMA)


def last_stored(root, municipality_id) -> pd.Timestamp | None:
    """The latest ts_utc exported for the town (None when nothing is), from the last partition."""
    folder = dataset_dir(root, municipality_id, "readings")
    parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not parts:
        return None
    ts = pq.read_table(parts[-1], columns=["ts_utc"]).column("ts_utc").to_pandas()
    return ts.max() if len(ts) else None
