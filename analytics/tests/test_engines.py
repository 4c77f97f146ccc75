"""The same indicator definitions give identical results on DuckDB and on Spark."""

from datetime import date

import pandas as pd
import pytest

from analytics import indicators as ind

PERIMETER = ["Z000", "Z001", "Z002"]

CASES = {
    "hourly_volume": ("counts", lambda t: ind.hourly_volume(t)),
    "hourly_volume_filtered": (
        "counts",
        lambda t: ind.hourly_volume(
            t, start=date(2024, 3, 30), end=date(2024, 4, 2), modes=["car"]
        ),
    ),
    "daily_volume": ("counts", lambda t: ind.daily_volume(t)),
    "weekday_hour_profile": ("counts", lambda t: ind.weekday_hour_profile(t)),
    "modal_split": ("counts", lambda t: ind.modal_split(t)),
    "missing_hours": ("counts", lambda t: ind.missing_hours(t)),
    "step_changes": ("counts", lambda t: ind.step_changes(t, threshold=0.05)),
    "od_matrix": ("od", lambda t: ind.od_matrix(t, start=date(2024, 3, 29), hours=range(6, 10))),
    "traffic_typology": ("od", lambda t: ind.traffic_typology(t, PERIMETER)),
    "catchment": ("presence", lambda t: ind.catchment(t, zones=["Z000"])),
    "pt_supply": ("departures", lambda t: ind.pt_supply(t)),
    "dwell_time": ("dwell", lambda t: ind.dwell_time(t, zones=["Z000", "Z001"])),
    "parking_occupancy": ("readings", lambda t: ind.parking_occupancy(t)),
    "parking_occupancy_filtered": (
        "readings",
        lambda t: ind.parking_occupancy(
            t, start=date(2024, 3, 30), end=date(2024, 4, 1), sensors=["P2"]
        ),
    ),
}


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            frame[col] = frame[col].dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype("datetime64[us]")
        elif pd.api.types.is_integer_dtype(frame[col]):
            frame[col] = frame[col].astype("int64")
        elif frame[col].dtype == object and len(frame) and isinstance(frame[col].iloc[0], date):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    return frame.sort_values(keys or list(frame.columns)).reset_index(drop=True)


def test_duckdb_indicators_return_rows_for_generated_data(duck):
    # given a generated store / when every indicator runs on DuckDB / then each has rows
    for name, (dataset, build) in CASES.items():
        result = duck.execute(build(duck.table(1, dataset)))
        assert len(result) > 0, name


@pytest.mark.spark
@pytest.mark.parametrize("name", sorted(CASES))
def test_spark_gives_the_same_result_as_duckdb(name, duck, spark):
    # given the same Parquet data on both engines
    dataset, build = CASES[name]
    # when the one indicator definition runs on each
    on_duck = normalise(duck.execute(build(duck.table(1, dataset))))
    on_spark = normalise(spark.execute(build(spark.table(1, dataset))))
    # then the results are identical (floats to 1e-9)
    assert list(on_duck.columns) == list(on_spark.columns)
    assert len(on_duck) > 0
    pd.testing.assert_frame_equal(on_duck, on_spark, check_dtype=False, rtol=1e-9)
