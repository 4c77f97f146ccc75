"""A timetable's day and place (issue 9): the day read when none is given, a day outside the
feed's validity refused with the validity, stops far from the town left out and counted, a feed
with no stop near the town refused; departures per stop and hour worked out by hand from the
Cairns files (analytics/tests/data, see ATTRIBUTION.md)."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from datetime import date

import pytest

from analytics.engines import dataset_dir, duckdb_backend
from analytics.indicators import pt_supply
from analytics.ingest.gtfs import NEAR_KM, import_gtfs
from analytics.ingest.report import ImportFormatError

from .test_gtfs_archive import timetable

CAIRNS = __import__("pathlib").Path(__file__).parent / "data" / "cairns_gtfs.zip"
PIER = "750449"  # The Pier Cairns - Terminus Stop E, the busiest stop
PULLY = [[[(6.655, 46.505), (6.675, 46.505), (6.675, 46.52), (6.655, 46.52), (6.655, 46.505)]]]


def rows(name: str) -> list[dict]:
    with zipfile.ZipFile(CAIRNS) as archive:
        return list(csv.DictReader(io.TextIOWrapper(archive.open(name), "utf-8-sig")))


def square_around(lat: float, lon: float, half_deg: float = 0.001):
    a, b = lon - half_deg, lat - half_deg
    c, d = lon + half_deg, lat + half_deg
    return [[[(a, b), (c, b), (c, d), (a, d), (a, b)]]]


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_without_a_date_the_feed_runs_today_or_its_first_tuesday_is_read(tmp_path):
    # given the Cairns feed (26 May - 28 December 2014); 26 May 2014 is a Monday
    # when imported with no day, today long after the feed, then within it
    later = import_gtfs(CAIRNS, root=tmp_path, municipality_id=1, today=date(2026, 12, 6))
    within = import_gtfs(CAIRNS, root=tmp_path, municipality_id=2, today=date(2014, 7, 2))
    # then its first Tuesday, then today, each said in a note with the validity
    assert later.notes[0].params == {
        "file": "cairns_gtfs.zip",
        "date": "2014-05-27",
        "first": "2014-05-26",
        "last": "2014-12-28",
    }
    assert within.notes[0].params["date"] == "2014-07-02"
    assert [p.name for p in dataset_dir(tmp_path, 1, "departures").glob("*.parquet")] == [
        "2014-05-27.parquet"
    ]


def test_a_day_outside_the_feed_is_refused_with_its_validity_and_stores_nothing(tmp_path):
    with pytest.raises(ImportFormatError) as refused:
        import_gtfs(CAIRNS, root=tmp_path, municipality_id=1, service_date=date(2026, 3, 17))
    assert refused.value.code == "gtfs_date_outside"
    assert str(refused.value) == (
        "cairns_gtfs.zip: the timetable runs from 2014-05-26 to 2014-12-28; 2026-03-17 is "
        "outside it"
    )
    assert not dataset_dir(tmp_path, 1, "departures").exists()


def test_a_day_inside_the_feed_on_which_nothing_runs_is_refused(tmp_path):
    # given a feed that runs on working days only (2026), and a Saturday
    feed = timetable(tmp_path / "gtfs.zip", stop_times_bytes=1)
    with pytest.raises(ImportFormatError) as refused:
        import_gtfs(feed, root=tmp_path, municipality_id=1, service_date=date(2026, 3, 21))
    assert refused.value.code == "gtfs_no_service"
    assert refused.value.params["first"] == "2026-01-01"


def test_a_feed_with_no_stop_near_the_town_is_refused(tmp_path):
    with pytest.raises(ImportFormatError) as refused:
        import_gtfs(
            CAIRNS,
            root=tmp_path,
            municipality_id=1,
            service_date=date(2014, 6, 10),
            territory=PULLY,
        )
    assert refused.value.code == "gtfs_no_stop_in_town"
    assert refused.value.params["stops"] == 416
    assert 14_500 < refused.value.params["nearest"] < 15_500  # Pully to Cairns
    assert not dataset_dir(tmp_path, 1, "departures").exists()


def test_stops_far_from_the_town_are_left_out_and_counted(tmp_path):
    # given a town of 200 m around the southern end of the network (Gordonvale)
    stops = {r["stop_id"]: r for r in rows("stops.txt")}
    south = min(stops.values(), key=lambda r: float(r["stop_lat"]))
    lat0, lon0 = float(south["stop_lat"]), float(south["stop_lon"])
    km = {
        s: haversine_km(lat0, lon0, float(r["stop_lat"]), float(r["stop_lon"]))
        for s, r in stops.items()
    }
    assert not [s for s, d in km.items() if NEAR_KM - 0.3 < d < NEAR_KM + 0.3]  # none on the edge
    far = {s for s, d in km.items() if d > NEAR_KM}
    assert 0 < len(far) < len(stops)
    # when imported
    report = import_gtfs(
        CAIRNS,
        root=tmp_path,
        municipality_id=1,
        service_date=date(2014, 6, 10),
        territory=square_around(lat0, lon0),
    )
    # then the far stops are counted, and none of their departures stored
    [_, left_out] = report.notes
    assert (left_out.code, left_out.params["count"]) == ("gtfs_stops_left_out", len(far))
    assert left_out.params["total"] == 416
    w = duckdb_backend(tmp_path)
    stored = set(w.execute(w.table(1, "departures").stop_id.name("s")))
    assert stored and not stored & far


def test_departures_and_headways_of_the_pier_match_the_files_worked_by_hand(tmp_path):
    # given the weekday trips of Tuesday 10 June 2014 (calendar.txt: Weekday-00 every working
    # day; Weekday-00-0000100 on Fridays only; no exception that day in calendar_dates.txt)
    running = {"CNS2014-CNS_MUL-Weekday-00"}
    trips = {t["trip_id"] for t in rows("trips.txt") if t["service_id"] in running}
    times = sorted(
        sum(int(x) * f for x, f in zip(r["departure_time"].split(":"), (3600, 60, 1), strict=True))
        for r in rows("stop_times.txt")
        if r["stop_id"] == PIER and r["trip_id"] in trips
    )
    eight = [(t, t - p) for p, t in zip(times, times[1:], strict=False) if t // 3600 == 8]
    # when imported and the supply computed
    import_gtfs(CAIRNS, root=tmp_path, municipality_id=1, service_date=date(2014, 6, 10))
    w = duckdb_backend(tmp_path)
    supply = w.execute(pt_supply(w.table(1, "departures"), service_date=date(2014, 6, 10)))
    pier = supply[supply.stop_id == PIER].set_index("hour")
    # then
    assert pier.departures.sum() == len(times)
    assert pier.departures[8] == len(eight)
    assert pier.mean_headway_min[8] == pytest.approx(sum(g for _, g in eight) / len(eight) / 60)
