"""15-minute counts: stored as delivered, summed to hours by the hourly indicators and rollups
(four quarters make the hour), an hour with fewer than four quarters named in the report."""

from datetime import date

from analytics import indicators, rollups
from analytics.engines import duckdb_backend
from analytics.ingest.counts import import_counts

QUARTERS = (
    "site_id;timestamp;count\n"
    # 08:00 complete: 10 + 20 + 30 + 40 = 100
    "A;2026-03-17 08:00;10\nA;2026-03-17 08:15;20\nA;2026-03-17 08:30;30\nA;2026-03-17 08:45;40\n"
    # 09:00 with two quarters: 5 + 7 = 12, partial
    "A;2026-03-17 09:00;5\nA;2026-03-17 09:30;7\n"
    # an hourly site in the same file is not partial
    "B;2026-03-17 08:00;300\nB;2026-03-17 09:00;310\n"
)


def test_quarters_sum_to_the_hour_and_a_partial_hour_is_flagged(tmp_path):
    # given a file of 15-minute counts with semicolons
    path = tmp_path / "quarts.csv"
    path.write_text(QUARTERS)
    # when
    report = import_counts(path, root=tmp_path, municipality_id=3)
    # then every quarter is stored
    assert (report.rows_imported, report.quarantine) == (8, [])
    store = duckdb_backend(tmp_path)
    counts = store.table(3, "counts")
    hourly = store.execute(indicators.hourly_volume(counts)).sort_values(["site_id", "hour_utc"])
    # the hourly volumes are the sums of their quarters, in local hours
    assert hourly[["site_id", "local_hour", "volume"]].values.tolist() == [
        ["A", 8, 100],
        ["A", 9, 12],
        ["B", 8, 300],
        ["B", 9, 310],
    ]
    # and the day is their sum too
    daily = store.execute(indicators.daily_volume(counts)).sort_values("site_id")
    assert daily[["site_id", "volume", "hours_observed"]].values.tolist() == [
        ["A", 112, 2],
        ["B", 610, 2],
    ]
    # the partial hour is named in the report, the complete ones are not
    [note] = report.notes
    assert note.code == "partial_hours"
    assert note.params == {"hours": 1, "examples": "A 2026-03-17 09:00 (2/4)"}


def test_the_hourly_rollup_of_quarters_agrees_with_the_raw_sums(tmp_path):
    # given the same file imported, and the rollups an import keeps
    path = tmp_path / "quarts.csv"
    path.write_text(QUARTERS)
    import_counts(path, root=tmp_path, municipality_id=3)
    rollups.refresh(tmp_path, 3)
    # when the hourly volumes are read as the observatory reads them
    store = duckdb_backend(tmp_path)
    rolled = store.execute(
        rollups.hourly(store, 3, start=date(2026, 3, 17), end=date(2026, 3, 18))
    ).sort_values(["site_id", "hour_utc"])
    # then
    assert rolled["volume"].tolist() == [100, 12, 300, 310]


def test_quarters_delivered_again_complete_the_hour_without_doubling(tmp_path):
    # given the partial file imported, then the missing quarters delivered
    path = tmp_path / "quarts.csv"
    path.write_text(QUARTERS)
    import_counts(path, root=tmp_path, municipality_id=3)
    rest = tmp_path / "rest.csv"
    rest.write_text("site_id;timestamp;count\nA;2026-03-17 09:15;6\nA;2026-03-17 09:45;8\n")
    # when the same file and the rest are imported
    again = import_counts(path, root=tmp_path, municipality_id=3)
    import_counts(rest, root=tmp_path, municipality_id=3)
    # then nothing is counted twice and the hour is whole: 5 + 6 + 7 + 8
    assert (again.rows_imported, again.rows_unchanged) == (0, 8)
    store = duckdb_backend(tmp_path)
    hourly = store.execute(indicators.hourly_volume(store.table(3, "counts")))
    a = hourly[hourly.site_id == "A"].sort_values("hour_utc")
    assert a["volume"].tolist() == [100, 26]
