"""Shared fixtures for the analytics tests: one generated store and one SparkSession per run."""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics import synthetic
from analytics.engines import dataset_dir, duckdb_backend
from analytics.ingest.gtfs import import_gtfs
from analytics.ingest.network import DWELL_SCHEMA
from analytics.ingest.readings import store_readings


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """A store root with municipality 1's counts, OD trips, presence (generated), departures."""
    root = tmp_path_factory.mktemp("store")
    spec = synthetic.CountsSpec(n_sites=6, start=date(2024, 3, 1), days=70, gap_rate=0.02)
    synthetic.write_counts(dataset_dir(root, 1, "counts"), spec, chunk_rows=3_000)
    flows = synthetic.FlowSpec(
        zones=synthetic.ZonesSpec(n_zones=12, perimeter=3), start=date(2024, 3, 28), days=5
    )
    synthetic.write_od(dataset_dir(root, 1, "od"), flows, chunk_rows=2_000)
    presence = synthetic.presence_frame(flows)
    folder = dataset_dir(root, 1, "presence")
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pandas(presence, preserve_index=False), folder / "p.parquet")
    gtfs = Path(__file__).parent / "data" / "cairns_gtfs.zip"
    import_gtfs(gtfs, root=root, municipality_id=1, service_date=date(2014, 6, 10))
    store_readings(sensor_readings(), root=root, municipality_id=1)
    dwell = dataset_dir(root, 1, "dwell")
    dwell.mkdir(parents=True)
    pq.write_table(dwell_rows(), dwell / "d.parquet")
    return root


def dwell_rows() -> pa.Table:
    """Presence by dwell minutes for three zones over two days."""
    ts = pd.date_range("2024-03-30", periods=48, freq="h", tz="UTC")
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        [
            (zone, t, minutes, int(rng.integers(0, 80)))
            for zone in ("Z000", "Z001", "Z002")
            for t in ts
            for minutes in (5.0, 20.0, 45.0, 90.0, 300.0)
        ],
        columns=["zone_id", "ts_utc", "dwell_min", "count"],
    )
    local = frame.ts_utc.dt.tz_convert("Europe/Zurich")
    frame["local_date"], frame["local_hour"] = local.dt.date, local.dt.hour.astype("int8")
    return pa.Table.from_pandas(
        frame[DWELL_SCHEMA.names], schema=DWELL_SCHEMA, preserve_index=False
    )


def sensor_readings() -> pd.DataFrame:
    """Two car parks and a counter, a reading every 15 minutes for 5 days (DST day included)."""
    ts = pd.date_range("2024-03-29", periods=5 * 96, freq="15min", tz="UTC")
    rng = np.random.default_rng(4)
    frames = []
    for sensor, kind, capacity in (
        ("P1", "parking", 180),
        ("P2", "parking", 95),
        ("C1", "counter", None),
    ):
        top = capacity or 300
        frames.append(
            pd.DataFrame(
                {
                    "sensor_id": sensor,
                    "kind": kind,
                    "capacity": capacity,
                    "ts_utc": ts,
                    "value": rng.integers(0, top + 1, len(ts)).astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="session")
def duck(store):
    return duckdb_backend(store)


@pytest.fixture(scope="session")
def spark(store):
    from analytics.engines import spark_backend

    return spark_backend(store)
