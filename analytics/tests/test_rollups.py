"""Rollups give exactly what the indicators give on the raw rows, and never answer when stale."""

import dataclasses
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from analytics import indicators, rollups, synthetic, timeparse
from analytics.engines import dataset_dir, duckdb_backend
from analytics.ingest import counts as counts_ingest
from analytics.ingest import network
from analytics.store import merge_into

from .test_engines import normalise

TOWN = 3


def monthly(frame: pd.DataFrame) -> pd.Series:
    return frame["ts_utc"].dt.strftime("%Y-%m")


@pytest.fixture
def town_store(tmp_path):
    """Counts and OD trips stored as the importers store them: one partition per UTC month,
    over a period crossing three local month boundaries and both DST changes of 2024."""
    spec = synthetic.CountsSpec(n_sites=4, start=date(2024, 3, 20), days=230, gap_rate=0.02)
    flows = synthetic.FlowSpec(
        zones=synthetic.ZonesSpec(n_zones=6, perimeter=2), start=date(2024, 3, 30), days=4
    )
    for dataset, frame, key, schema in (
        ("counts", synthetic.counts_frame(spec), counts_ingest.KEY, counts_ingest.SCHEMA),
        ("od", synthetic.od_frame(flows), network.OD_KEY, network.OD_SCHEMA),
    ):
        folder = dataset_dir(tmp_path, TOWN, dataset)
        merge_into(folder, frame, key=key, partition=monthly(frame), schema=schema)
    return tmp_path


def same(a, b) -> None:
    a, b = normalise(a), normalise(b)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-12)


PERIODS = [
    (None, None),
    (date(2024, 4, 1), date(2024, 9, 1)),  # whole months only
    (date(2024, 3, 25), date(2024, 10, 29)),  # partial months at both ends, both DST days
    (date(2024, 5, 3), date(2024, 5, 20)),  # inside one month
    (None, date(2024, 6, 15)),
    (date(2024, 8, 1), None),
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_rollups_give_the_raw_indicators_results(town_store, start, end):
    # given a town's raw partitions and their rollups
    w = duckdb_backend(town_store)
    built = rollups.refresh(town_store, TOWN, warehouse=w)
    assert built == {
        "counts_hourly": 9,
        "counts_profile": 9,
        "counts_daily": 9,
        "counts_mode_hourly": 9,
        "counts_mode_daily": 9,
        "counts_sites": 9,
        "counts_town_hourly": 9,
        "od_daily": 2,
    }
    assert rollups.is_fresh(town_store, TOWN, "counts_profile")
    assert rollups.is_fresh(town_store, TOWN, "counts_sites")
    raw = w.table(TOWN, "counts")
    kw = {"start": start, "end": end}
    # when the helpers answer from the rollups / then they give what the raw rows give
    same(w.execute(rollups.hourly(w, TOWN, **kw)), w.execute(indicators.hourly_volume(raw, **kw)))
    same(w.execute(rollups.daily(w, TOWN, **kw)), w.execute(indicators.daily_volume(raw, **kw)))
    same(
        w.execute(indicators.missing_hours_of_hourly(rollups.hourly(w, TOWN, **kw))),
        w.execute(indicators.missing_hours(raw, **kw)),
    )
    if start is not None and end is not None:  # the page's data quality, from the days
        every = ["S00000", "S00001", "S00002", "S00003", "S00099"]  # one never counted
        same(
            w.execute(
                indicators.missing_hours_of_period(rollups.daily(w, TOWN, **kw), sites=every, **kw)
            ),
            w.execute(indicators.missing_hours(raw, sites=every, **kw)),
        )
    for sites in (None, ["S00001", "S00003"]):
        same(
            w.execute(rollups.profile(w, TOWN, sites=sites, **kw)),
            w.execute(indicators.weekday_hour_profile(raw, sites=sites, **kw)),
        )
    for modes in (["car"], ["car", "bicycle"]):  # from the hours kept per mode
        same(
            w.execute(rollups.daily(w, TOWN, modes=modes, **kw)),
            w.execute(indicators.daily_volume(raw, modes=modes, **kw)),
        )
        same(
            w.execute(rollups.profile(w, TOWN, modes=modes, **kw)),
            w.execute(indicators.weekday_hour_profile(raw, modes=modes, **kw)),
        )
    for modes in (None, ["car"], ["car", "bicycle"]):  # per site, the pieces add up to the days
        pieces = w.execute(rollups.day_pieces(w, TOWN, modes=modes, **kw))
        days = w.execute(indicators.daily_volume(raw, modes=modes, **kw))
        per_site = [f.drop(columns="local_date").groupby("site_id").sum() for f in (pieces, days)]
        same(*(f.reset_index() for f in per_site))
    od_raw = indicators.od_matrix(w.table(TOWN, "od"), **kw)
    od_rolled = indicators.od_matrix(rollups.od_trips(w, TOWN), **kw)
    if start is None or start < date(2024, 4, 3):
        same(w.execute(od_rolled), w.execute(od_raw))
        perimeter = ["Z000", "Z001"]
        same(
            w.execute(indicators.traffic_typology(rollups.od_trips(w, TOWN), perimeter, **kw)),
            w.execute(indicators.traffic_typology(w.table(TOWN, "od"), perimeter, **kw)),
        )


def test_the_rollup_is_read_only_when_it_answers(town_store):
    # given fresh rollups, and May's hourly rollup marked (+1 on every hour, same stamp)
    w = duckdb_backend(town_store)
    rollups.refresh(town_store, TOWN, warehouse=w)
    path = dataset_dir(town_store, TOWN, "counts_hourly") / "2024-05.parquet"
    may = pq.read_table(path)
    marked = may.set_column(
        may.schema.get_field_index("volume"), "volume", pc.add(may["volume"], 1)
    )
    pq.write_table(marked.replace_schema_metadata(may.schema.metadata), path)
    raw = w.table(TOWN, "counts")
    total = w.execute(indicators.hourly_volume(raw).volume.sum())
    # then a query with no mode reads the rollup (the mark shows) ...
    assert w.execute(rollups.hourly(w, TOWN).volume.sum()) == total + may.num_rows
    # ... days read the daily rollup (rebuilt from the marked hours, then marked too) ...
    assert rollups.refresh(town_store, TOWN, warehouse=w)["counts_daily"] == 1
    path = dataset_dir(town_store, TOWN, "counts_daily") / "2024-05.parquet"
    days = pq.read_table(path)
    pq.write_table(
        days.set_column(
            days.schema.get_field_index("volume"), "volume", pc.add(days["volume"], 1)
        ).replace_schema_metadata(days.schema.metadata),
        path,
    )
    marks = may.num_rows + days.num_rows
    assert w.execute(rollups.daily(w, TOWN).volume.sum()) == total + marks
    # ... a mode filter reads the hours kept per mode (marked the same way) ...
    path = dataset_dir(town_store, TOWN, "counts_mode_hourly") / "2024-05.parquet"
    may = pq.read_table(path)
    marked = may.set_column(
        may.schema.get_field_index("volume"), "volume", pc.add(may["volume"], 1)
    )
    pq.write_table(marked.replace_schema_metadata(may.schema.metadata), path)
    cars = w.execute(indicators.hourly_volume(raw, modes=["car"]).volume.sum())
    may_cars = pc.sum(pc.equal(may["mode"], "car")).as_py()
    assert may_cars > 0
    assert w.execute(rollups.hourly(w, TOWN, modes=["car"]).volume.sum()) == cars + may_cars
    # ... and selected hours read the raw OD rows
    assert "local_hour" in rollups.od_trips(w, TOWN, hours=[7, 8]).columns
    assert "local_hour" not in rollups.od_trips(w, TOWN).columns


def test_the_catalogue_of_sites_comes_from_its_rollup_and_matches_the_rows(town_store):
    # given fresh rollups
    w = duckdb_backend(town_store)
    rollups.refresh(town_store, TOWN, warehouse=w)
    raw = indicators.site_spans(indicators.hourly_volume_by_mode(w.table(TOWN, "counts")))
    # then each site's modes, hours and first and last day are those of the rows
    spans = w.execute(rollups.site_spans(w, TOWN))
    same(spans, w.execute(raw))
    assert spans.hours.sum() == w.execute(
        indicators.hourly_volume_by_mode(w.table(TOWN, "counts")).count()
    )
    # when June's catalogue partition is marked (a site said to count until 2030, same stamp)
    path = dataset_dir(town_store, TOWN, "counts_sites") / "2024-06.parquet"
    june = pq.read_table(path)
    last = june.schema.get_field_index("last_date")
    later = pa.array([date(2030, 1, 1)] * june.num_rows, june.schema.field(last).type)
    pq.write_table(
        june.set_column(last, "last_date", later).replace_schema_metadata(june.schema.metadata),
        path,
    )
    # then the catalogue reads the rollup, not the rows
    assert w.execute(rollups.site_spans(w, TOWN)).last_date.max() == pd.Timestamp(2030, 1, 1)


def test_a_changed_partition_is_read_raw_until_refreshed_then_rebuilt_alone(town_store):
    # given fresh rollups, then a re-import that corrects one month's counts
    w = duckdb_backend(town_store)
    rollups.refresh(town_store, TOWN, warehouse=w)
    path = dataset_dir(town_store, TOWN, "counts") / "2024-06.parquet"
    june = pq.read_table(path).to_pandas()
    june.loc[june.index[:10], "count"] += 1000
    merge_into(
        path.parent,
        june.iloc[:10],
        key=counts_ingest.KEY,
        partition=monthly(june.iloc[:10]),
        schema=counts_ingest.SCHEMA,
    )
    raw = w.table(TOWN, "counts")
    expected = w.execute(indicators.weekday_hour_profile(raw))
    # then the stale rollup is not used: the answer already includes the correction
    assert not rollups.is_fresh(town_store, TOWN, "counts_hourly")
    assert not rollups.is_fresh(town_store, TOWN, "counts_profile")
    same(w.execute(rollups.profile(w, TOWN)), expected)
    # when refreshed, only June is rebuilt, and the rollup gives the corrected answer
    built = rollups.refresh(town_store, TOWN, warehouse=w)
    assert built == {
        "counts_hourly": 1,
        "counts_profile": 1,
        "counts_daily": 1,
        "counts_mode_hourly": 1,
        "counts_mode_daily": 1,
        "counts_sites": 1,
        "counts_town_hourly": 1,
        "od_daily": 0,
    }
    assert rollups.is_fresh(town_store, TOWN, "counts_profile")
    same(w.execute(rollups.profile(w, TOWN)), expected)
    assert set(rollups.refresh(town_store, TOWN, warehouse=w).values()) == {0}


def test_a_removed_partition_removes_its_rollups(town_store):
    # given fresh rollups, then a raw partition deleted (e.g. data withdrawn)
    w = duckdb_backend(town_store)
    rollups.refresh(town_store, TOWN, warehouse=w)
    (dataset_dir(town_store, TOWN, "counts") / "2024-07.parquet").unlink()
    assert not rollups.is_fresh(town_store, TOWN, "counts_hourly")
    # when refreshed / then the orphaned rollups are gone and the rollup answers again
    rollups.refresh(town_store, TOWN, warehouse=w)
    for name in ("counts_hourly", "counts_profile"):
        assert not (dataset_dir(town_store, TOWN, name) / "2024-07.parquet").exists()
    assert rollups.is_fresh(town_store, TOWN, "counts_profile")
    raw = w.table(TOWN, "counts")
    same(w.execute(rollups.profile(w, TOWN)), w.execute(indicators.weekday_hour_profile(raw)))


def test_a_new_version_of_a_rollup_makes_every_partition_stale(town_store, monkeypatch):
    # given fresh rollups
    w = duckdb_backend(town_store)
    rollups.refresh(town_store, TOWN, warehouse=w)
    # when the OD rollup's definition changes version
    changed = tuple(
        dataclasses.replace(r, version=r.version + 1) if r.name == "od_daily" else r
        for r in rollups.ROLLUPS
    )
    monkeypatch.setattr(rollups, "ROLLUPS", changed)
    # then it is stale until rebuilt, and only it is rebuilt
    assert not rollups.is_fresh(town_store, TOWN, "od_daily")
    assert rollups.is_fresh(town_store, TOWN, "counts_profile")
    assert rollups.refresh(town_store, TOWN, warehouse=w)["od_daily"] == 2
    assert rollups.is_fresh(town_store, TOWN, "od_daily")


def test_no_data_means_no_rollup(tmp_path):
    # given a town with nothing imported / when refreshed / then nothing is built or fresh
    assert rollups.refresh(tmp_path, TOWN) == {}
    assert not rollups.is_fresh(tmp_path, TOWN, "counts_hourly")


@pytest.mark.spark
def test_spark_reads_the_rollups_to_the_same_result(town_store):
    from analytics.engines import spark_backend

    # given rollups built by DuckDB
    duck = duckdb_backend(town_store)
    rollups.refresh(town_store, TOWN, warehouse=duck)
    spark = spark_backend(town_store)
    kw = {"start": date(2024, 3, 25), "end": date(2024, 10, 29)}
    # when both engines answer from them / then the results are identical
    same(
        spark.execute(rollups.profile(spark, TOWN, **kw)),
        duck.execute(rollups.profile(duck, TOWN, **kw)),
    )
    incomplete = incomplete_sites(duck, kw["start"], kw["end"], None)
    assert incomplete  # the gaps of the synthetic counts: the site-by-site part runs too
    same(
        spark.execute(rollups.town_profile(spark, TOWN, incomplete=incomplete, **kw)),
        duck.execute(rollups.town_profile(duck, TOWN, incomplete=incomplete, **kw)),
    )
    same(
        spark.execute(indicators.od_matrix(rollups.od_trips(spark, TOWN))),
        duck.execute(indicators.od_matrix(rollups.od_trips(duck, TOWN))),
    )


def test_quarter_hour_counts_make_one_observed_hour_each(tmp_path):
    # given a site counted every 15 minutes for 3 hours, then silent for 2, then 1 more hour
    times = pd.date_range("2024-05-06 06:00", periods=12, freq="15min", tz="UTC").append(
        pd.date_range("2024-05-06 11:00", periods=4, freq="15min", tz="UTC")
    )
    frame = pd.DataFrame({"site_id": "Q1", "ts_utc": times, "count": 5})
    local = frame.ts_utc.dt.tz_convert("Europe/Zurich")
    frame["local_date"], frame["local_hour"] = local.dt.date, local.dt.hour.astype("int8")
    frame["direction"], frame["mode"], frame["lane"] = "", "all", ""
    merge_into(
        dataset_dir(tmp_path, TOWN, "counts"),
        frame,
        key=counts_ingest.KEY,
        partition=monthly(frame),
        schema=counts_ingest.SCHEMA,
    )
    w = duckdb_backend(tmp_path)
    # when / then: 6 hours expected (06:00 to 11:00), 4 observed, 2 missing
    [row] = w.execute(indicators.missing_hours(w.table(TOWN, "counts"))).to_dict("records")
    assert (row["expected_hours"], row["observed_hours"], row["missing_hours"]) == (6, 4, 2)


@pytest.fixture
def gappy_store(tmp_path):
    """Five sites counted every hour from 20 March to 5 November 2024 (both clock changes),
    stored by UTC month; then S00001 misses three hours in May, S00002 all of July, and S00004
    starts counting on 10 June."""
    spec = synthetic.CountsSpec(n_sites=5, start=date(2024, 3, 20), days=230, gap_rate=0)
    frame = synthetic.counts_frame(spec)
    ts = frame.ts_utc
    missing = (
        ((frame.site_id == "S00001") & ts.isin(pd.to_datetime(MAY_GAP, utc=True)))
        | ((frame.site_id == "S00002") & (ts.dt.month == 7))
        | ((frame.site_id == "S00004") & (ts < pd.Timestamp("2024-06-09T22:00Z")))
    )
    frame = frame[~missing]
    folder = dataset_dir(tmp_path, TOWN, "counts")
    merge_into(
        folder, frame, key=counts_ingest.KEY, partition=monthly(frame), schema=counts_ingest.SCHEMA
    )
    return tmp_path


MAY_GAP = ["2024-05-07T06:00", "2024-05-07T07:00", "2024-05-12T20:00"]


def incomplete_sites(w, start, end, modes) -> list[str]:
    """As the observatory reads them: the sites whose days hold fewer hours than the period."""
    days = w.execute(rollups.daily(w, TOWN, start=start, end=end, modes=modes))
    hours = days.groupby("site_id").hours_observed.sum()
    return sorted(hours.index[hours < timeparse.local_hours(start, end, indicators.TZ)])


@pytest.mark.parametrize(
    ("start", "end", "incomplete_of_all_modes"),
    [
        (date(2024, 9, 1), date(2024, 10, 1), []),  # a whole month, nobody missed an hour
        (date(2024, 3, 25), date(2024, 10, 29), ["S00001", "S00002", "S00004"]),  # DST days
        (date(2024, 5, 3), date(2024, 5, 20), ["S00001"]),  # S00004 not counting yet: absent
        (date(2024, 6, 15), date(2024, 8, 10), ["S00002"]),  # edges of months, a month missing
        (date(2024, 10, 27), date(2024, 10, 28), []),  # the autumn day alone: 25 hours
        (date(2024, 3, 31), date(2024, 4, 1), []),  # the spring day alone: 23 hours
    ],
)
@pytest.mark.parametrize("modes", [None, ["car"], ["car", "bicycle"]])
def test_the_town_profile_is_the_sum_of_the_sites_profiles(
    gappy_store, start, end, incomplete_of_all_modes, modes
):
    # given the rollups of a town whose sites miss hours, a month, or the period's start
    w = duckdb_backend(gappy_store)
    rollups.refresh(gappy_store, TOWN, warehouse=w)
    raw = w.table(TOWN, "counts")
    kw = {"start": start, "end": end, "modes": modes}
    incomplete = incomplete_sites(w, start, end, modes)
    if modes is None:
        assert incomplete == incomplete_of_all_modes
    # when the town's profile is read from the town's hourly sums and the incomplete sites
    town = w.execute(rollups.town_profile(w, TOWN, incomplete=incomplete, **kw))
    # then it is the sum over the sites of each site's mean, as from the raw rows
    p = indicators.weekday_hour_profile(raw, **kw)
    p = p.group_by(["iso_weekday", "local_hour"]).agg(mean_volume=p.mean_volume.sum())
    same(town, w.execute(p))
    if incomplete:  # and: forgetting the incomplete sites would give another profile
        wrong = w.execute(rollups.town_profile(w, TOWN, incomplete=[], **kw))
        assert not normalise(wrong).equals(normalise(town))


def test_the_town_profile_is_not_read_from_a_stale_rollup(gappy_store):
    w = duckdb_backend(gappy_store)
    rollups.refresh(gappy_store, TOWN, warehouse=w)
    folder = dataset_dir(gappy_store, TOWN, "counts_town_hourly")
    next(folder.glob("*.parquet")).unlink()
    kw = {"start": date(2024, 8, 1), "end": date(2024, 9, 1)}
    assert rollups.town_profile(w, TOWN, **kw) is None
