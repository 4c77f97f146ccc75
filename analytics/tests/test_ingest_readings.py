"""Sensor readings in the warehouse and the parking occupancy indicator."""

import pandas as pd
import pytest

from analytics import indicators
from analytics.engines import duckdb_backend
from analytics.ingest.readings import last_stored, store_readings


def readings(values, capacity=100, sensor="P1", kind="parking"):
    ts = pd.date_range("2024-06-03 06:00", periods=len(values), freq="30min", tz="UTC")
    return pd.DataFrame(
        {"sensor_id": sensor, "kind": kind, "capacity": capacity, "ts_utc": ts, "value": values}
    )


def test_exporting_the_same_readings_twice_changes_nothing(tmp_path):
    # given stored readings
    rows = readings([10.0, 20.0, 30.0])
    first = store_readings(rows, root=tmp_path, municipality_id=3)
    # when the same rows come again, plus one later reading
    again = store_readings(
        pd.concat([rows, readings([10, 20, 30, 40.0]).tail(1)]), root=tmp_path, municipality_id=3
    )
    # then only the new one is inserted, and the watermark moves to it
    assert (first.inserted, again.inserted, again.unchanged) == (3, 1, 3)
    assert last_stored(tmp_path, 3) == pd.Timestamp("2024-06-03 07:30", tz="UTC")


def test_parking_occupancy_is_the_mean_share_of_spaces_taken_per_local_hour(tmp_path):
    # given a car park of 100 spaces read at 06:00 and 06:30 UTC (08:xx local) and a counter
    store_readings(
        pd.concat(
            [readings([40.0, 60.0]), readings([500.0], capacity=None, sensor="C", kind="counter")]
        ),
        root=tmp_path,
        municipality_id=3,
    )
    w = duckdb_backend(tmp_path)
    # when
    result = w.execute(indicators.parking_occupancy(w.table(3, "readings")))
    # then one row, local hour 8 (summer time), half full on average; the counter is left out
    assert result.to_dict("records") == [
        {"sensor_id": "P1", "local_hour": 8, "mean_occupancy": pytest.approx(0.5), "n_readings": 2}
    ]
