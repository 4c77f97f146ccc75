"""Values of the modal split and of the step-change check on counts small enough to work out by
hand (the engine tests only compare DuckDB with Spark, which a wrong definition passes too)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import pyarrow as pa
import pytest

from analytics import indicators
from analytics.ingest.counts import SCHEMA

ZURICH = ZoneInfo("Europe/Zurich")
UTC = ZoneInfo("UTC")
DAY0 = date(2024, 5, 6)  # a Monday, far from the clock changes


def counts(rows: list[tuple]) -> ibis.Table:
    """Counts as stored: (site, local day, local hour, count, mode[, direction])."""
    records = []
    for site, day, hour, count, mode, *direction in rows:
        local = datetime(day.year, day.month, day.day, hour, tzinfo=ZURICH)
        records.append(
            {
                "site_id": site,
                "ts_utc": local.astimezone(UTC),
                "local_date": day,
                "local_hour": hour,
                "count": count,
                "direction": direction[0] if direction else "in",
                "mode": mode,
                "lane": "1",
            }
        )
    return ibis.memtable(pa.Table.from_pylist(records, schema=SCHEMA))


def run(expr: ibis.Table, *, order_by: list[str]) -> list[dict]:
    frame = ibis.duckdb.connect().execute(expr)
    if "local_date" in frame:
        frame["local_date"] = [value.date() for value in frame["local_date"]]
    return frame.sort_values(order_by).to_dict("records")


# --- modal split ----------------------------------------------------------------------------

MODAL_ROWS = [
    # site A: cars 30 + 50 = 80, bicycles 15 + 5 = 20, and its 'all' total (left out)
    ("A", DAY0, 8, 30, "car"),
    ("A", DAY0, 9, 50, "car"),
    ("A", DAY0, 8, 15, "bicycle"),
    ("A", DAY0, 9, 5, "bicycle"),
    ("A", DAY0, 8, 500, "all"),
    # site B: 100 pedestrians
    ("B", DAY0, 8, 60, "pedestrian"),
    ("B", DAY0, 8, 40, "pedestrian", "out"),
    # the day before and the day after the period
    ("A", DAY0 - timedelta(days=1), 8, 1000, "car"),
    ("B", DAY0 + timedelta(days=1), 8, 1000, "bicycle"),
]


def test_modal_split_is_each_modes_volume_over_the_classified_total():
    # given 80 cars, 20 bicycles, 100 pedestrians on DAY0 (200 classified; 'all' left out)
    table = counts(MODAL_ROWS)
    # when
    split = indicators.modal_split(table, start=DAY0, end=DAY0 + timedelta(days=1))
    # then
    assert run(split, order_by=["mode"]) == [
        {"mode": "bicycle", "volume": 20, "share": pytest.approx(0.1)},
        {"mode": "car", "volume": 80, "share": pytest.approx(0.4)},
        {"mode": "pedestrian", "volume": 100, "share": pytest.approx(0.5)},
    ]


def test_modal_split_of_some_sites_shares_their_own_total():
    # given site A alone on DAY0: 80 cars and 20 bicycles
    split = indicators.modal_split(
        counts(MODAL_ROWS), start=DAY0, end=DAY0 + timedelta(days=1), sites=["A"]
    )
    # then
    assert run(split, order_by=["mode"]) == [
        {"mode": "bicycle", "volume": 20, "share": pytest.approx(0.2)},
        {"mode": "car", "volume": 80, "share": pytest.approx(0.8)},
    ]


def test_modal_split_without_a_period_takes_every_day():
    # given every row: cars 80 + 1000, bicycles 20 + 1000, pedestrians 100 (2200 in all)
    split = indicators.modal_split(counts(MODAL_ROWS))
    # then
    assert run(split, order_by=["mode"]) == [
        {"mode": "bicycle", "volume": 1020, "share": pytest.approx(1020 / 2200)},
        {"mode": "car", "volume": 1080, "share": pytest.approx(1080 / 2200)},
        {"mode": "pedestrian", "volume": 100, "share": pytest.approx(100 / 2200)},
    ]


# --- step changes ---------------------------------------------------------------------------


def daily(site: str, volumes: list[int]) -> list[tuple]:
    """One site's daily volumes from DAY0 on, each day split over two hours and directions."""
    rows = []
    for offset, volume in enumerate(volumes):
        day = DAY0 + timedelta(days=offset)
        rows.append((site, day, 7, volume - volume // 4, "all", "in"))
        rows.append((site, day, 17, volume // 4, "all", "out"))
    return rows


def flagged(rows: list[tuple], **options) -> list[dict]:
    return run(indicators.step_changes(counts(rows), **options), order_by=["site_id", "local_date"])


def test_a_jump_in_a_sites_daily_level_is_flagged_on_the_first_day_of_the_new_level():
    # given site A at 100 a day for 4 days, then 140; with windows of 2 days the days with both
    # windows full are days 2..6:
    #   day 2: before (100, 100) = 100, after (100, 100) = 100 -> 1.0
    #   day 3: before 100, after (100, 140) = 120 -> 1.2 (within 30 %)
    #   day 4: before 100, after (140, 140) = 140 -> 1.4 (flagged)
    #   day 5: before (100, 140) = 120, after 140 -> 1.17;  day 6: 140 / 140 -> 1.0
    rows = daily("A", [100, 100, 100, 100, 140, 140, 140, 140])
    # when / then
    assert flagged(rows, window_days=2, threshold=0.3) == [
        {
            "site_id": "A",
            "local_date": DAY0 + timedelta(days=4),
            "mean_before": 100.0,
            "mean_after": 140.0,
            "ratio": pytest.approx(1.4),
        }
    ]


def test_a_drop_is_flagged_too():
    # given site A falling from 200 to 100 a day: day 4 has before 200, after 100 -> 0.5;
    # day 3: after (200, 100) = 150 -> 0.75, day 5: before (200, 100) = 150 -> 0.67 (flagged)
    rows = daily("A", [200, 200, 200, 200, 100, 100, 100, 100])
    # when / then
    assert [(r["local_date"], r["ratio"]) for r in flagged(rows, window_days=2, threshold=0.3)] == [
        (DAY0 + timedelta(days=4), pytest.approx(0.5)),
        (DAY0 + timedelta(days=5), pytest.approx(100 / 150)),
    ]


def test_a_change_of_exactly_the_threshold_is_not_flagged():
    # given 100 then 130 (ratio 1.3) and 100 then 70 (ratio 0.7), with a threshold of 30 %
    rows = daily("A", [100, 100, 130, 130]) + daily("B", [100, 100, 70, 70])
    # then nothing is flagged; at 29 % both are
    assert flagged(rows, window_days=2, threshold=0.3) == []
    assert [r["site_id"] for r in flagged(rows, window_days=2, threshold=0.29)] == ["A", "B"]


def test_the_default_windows_are_two_weeks_on_each_side():
    # given 14 days at 100 then 14 at 150: only day 14 has 14 full days on each side
    rows = daily("A", [100] * 14 + [150] * 14)
    # when / then: flagged there, with the default threshold (30 %)
    assert [(r["local_date"], r["ratio"]) for r in flagged(rows)] == [
        (DAY0 + timedelta(days=14), pytest.approx(1.5))
    ]
    # and a jump of 25 % is below the default threshold
    assert flagged(daily("A", [100] * 14 + [125] * 14)) == []


def test_days_without_full_windows_or_with_nothing_before_are_not_flagged():
    # given with windows of 2 days: a jump on day 1 (one day before it), a jump on the last
    # day (one day after it), and a site that counted nothing before (no ratio)
    rows = daily("A", [100, 300, 300]) + daily("C", [100, 100, 300]) + daily("B", [0, 0, 50, 50])
    # then nothing is flagged
    assert flagged(rows, window_days=2, threshold=0.3) == []


def test_each_sites_level_is_its_own():
    # given site A steady at 100 and site B steady at 500, interleaved in time
    rows = daily("A", [100] * 6) + daily("B", [500] * 6)
    # then neither is flagged (a window mixing the two sites would jump)
    assert flagged(rows, window_days=2, threshold=0.3) == []


# --- missing hours ----------------------------------------------------------------------------


def _hours_from(site: str, first: datetime, n: int) -> ibis.Table:
    """Counts as stored for `n` consecutive hours of `site` from the local time `first` (both
    02:00 hours of the autumn day included)."""
    records = []
    for k in range(n):
        utc = first.astimezone(UTC) + timedelta(hours=k)
        local = utc.astimezone(ZURICH)
        records.append(
            {
                "site_id": site,
                "ts_utc": utc,
                "local_date": local.date(),
                "local_hour": local.hour,
                "count": 10,
                "direction": "in",
                "mode": "car",
                "lane": "1",
            }
        )
    return ibis.memtable(pa.Table.from_pylist(records, schema=SCHEMA))


@pytest.mark.parametrize(
    ("start", "end", "expected", "counted"),
    [
        (date(2024, 9, 1), date(2024, 10, 1), 720, 152),  # September: 30 days of 24 hours
        (date(2024, 10, 1), date(2024, 11, 1), 745, 152),  # October: 27 October has 25 hours
        (date(2024, 3, 31), date(2024, 4, 1), 23, 20),  # the spring switch day
        (date(2024, 10, 27), date(2024, 10, 28), 25, 20),  # the autumn switch day
    ],
)
def test_missing_hours_expects_every_hour_of_the_period_for_every_site(
    start, end, expected, counted
):
    # given: site A counted `counted` hours from the period's first midnight, B never counted
    first = datetime(start.year, start.month, start.day, tzinfo=ZURICH)
    table = _hours_from("A", first, counted)
    # when
    rows = run(
        indicators.missing_hours(table, start=start, end=end, sites=["A", "B"]),
        order_by=["site_id"],
    )
    # then
    found = [
        (r["site_id"], r["expected_hours"], r["observed_hours"], r["missing_hours"]) for r in rows
    ]
    assert found == [("A", expected, counted, expected - counted), ("B", expected, 0, expected)]
