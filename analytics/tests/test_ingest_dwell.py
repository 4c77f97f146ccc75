"""Presence with dwell times or home-distance classes, the dwell_time indicator and catchment."""

import pandas as pd
import pytest

from analytics import indicators
from analytics.engines import duckdb_backend
from analytics.ingest.network import import_presence

DWELL = """zone_id,timestamp,count,dwell_class
Z1,2024-05-02T10:00+02:00,30,0-15
Z1,2024-05-02T10:00+02:00,50,15-30
Z1,2024-05-02T10:00+02:00,20,240+
Z2,2024-05-02T10:00+02:00,40,60-120
"""


def test_dwell_classes_are_stored_and_presence_is_their_sum(tmp_path):
    # given presence split by dwell class
    path = tmp_path / "presence.csv"
    path.write_text(DWELL)
    # when imported twice (idempotent)
    report = import_presence(path, root=tmp_path, municipality_id=5)
    import_presence(path, root=tmp_path, municipality_id=5)
    w = duckdb_backend(tmp_path)
    # then presence per zone is the sum over classes, and dwell keeps the breakdown once
    presence = w.execute(w.table(5, "presence")).sort_values("zone_id")
    assert report.quarantine == []
    assert presence[["zone_id", "count"]].values.tolist() == [["Z1", 100], ["Z2", 40]]
    result = w.execute(indicators.dwell_time(w.table(5, "dwell")))
    got = {(r.zone_id, r.band_min): (r.persons, r.share) for r in result.itertuples()}
    assert got == {
        ("Z1", 0.0): (30, pytest.approx(0.3)),
        ("Z1", 15.0): (50, pytest.approx(0.5)),
        ("Z1", 240.0): (20, pytest.approx(0.2)),
        ("Z2", 60.0): (40, pytest.approx(1.0)),
    }


def test_dwell_minutes_fall_into_bands(tmp_path):
    # given exact dwell minutes
    path = tmp_path / "presence.csv"
    path.write_text(
        "zone_id,timestamp,count,dwell_minutes\n"
        "Z1,2024-05-02T10:00+02:00,10,7\nZ1,2024-05-02T10:00+02:00,30,45\n"
    )
    import_presence(path, root=tmp_path, municipality_id=5)
    w = duckdb_backend(tmp_path)
    # when
    result = w.execute(indicators.dwell_time(w.table(5, "dwell"))).sort_values("band_min")
    # then 7 min is in [0, 15), 45 min in [30, 60)
    assert result[["band_min", "persons"]].values.tolist() == [[0.0, 10], [30.0, 30]]


def test_origin_classes_map_to_the_catchment_distance_bands(tmp_path):
    # given presence by home-distance class instead of home zone
    path = tmp_path / "presence.csv"
    rows = [("0-1 km", 10), ("1-5 km", 20), ("5-10", 30), ("10-20", 25), ("20+", 15), ("?", 5)]
    path.write_text(
        "zone_id,timestamp,count,origin_class\n"
        + "".join(f"Z1,2024-05-02T10:00+02:00,{n},{c}\n" for c, n in rows)
    )
    # when
    import_presence(path, root=tmp_path, municipality_id=5)
    w = duckdb_backend(tmp_path)
    result = w.execute(indicators.catchment(w.table(5, "presence"))).sort_values("band_km")
    # then each class lands in its band; the unreadable class is left out
    assert result[["band_km", "presence"]].values.tolist() == [
        [0.0, 10],
        [1.0, 20],
        [5.0, 30],
        [10.0, 25],
        [20.0, 15],
    ]
    assert pd.api.types.is_float_dtype(result.share)
