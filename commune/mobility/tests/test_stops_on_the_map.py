"""The timetable beside the counts (issue 9): the stops of an imported GTFS day drawn on the
analyst's observatory map with their departures and the mean interval between 7:00 and 19:00,
worked out by hand from the Cairns files (moved onto the town, test_gtfs_imports.moved_onto:
LV95, where a town's territory is stored, cannot hold a place in Australia, see
docs/decisions/0020-a-towns-territory-is-swiss.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest

from commune.accounts.models import Role
from commune.mobility import selectors
from commune.mobility.presentation import stop_points
from commune.tenants.scoping import scope

from .test_gtfs_imports import CAIRNS, PIER, imported, moved_onto
from .test_import_views import member
from .test_observatory import write_data
from .test_observatory_browser import _logged_in

WEEKDAY = "CNS2014-CNS_MUL-Weekday-00"


def pier_by_hand() -> tuple[int, int]:
    """The Pier's departures on a weekday of the feed, and those from 7:00 to 19:00."""
    with zipfile.ZipFile(CAIRNS) as archive:
        trips = csv.DictReader(io.TextIOWrapper(archive.open("trips.txt"), "utf-8-sig"))
        running = {t["trip_id"] for t in trips if t["service_id"] == WEEKDAY}
        times = csv.DictReader(io.TextIOWrapper(archive.open("stop_times.txt"), "utf-8-sig"))
        hours = [
            int(r["departure_time"].split(":")[0])
            for r in times
            if r["stop_id"] == PIER and r["trip_id"] in running
        ]
    return len(hours), sum(1 for h in hours if 7 <= h < 19)


def test_the_stops_of_the_day_carry_departures_and_the_daytime_interval(town_a, tmp_path):
    # given the timetable of Tuesday 10 June 2014 imported
    feed = moved_onto(town_a, tmp_path / "horaire.zip")
    assert imported(town_a, feed, service_date="2014-06-10").status == "done"
    # when the observatory's data is read for a period of counts around another day
    with scope(town_a):
        data = selectors.observatory_data(
            municipality=town_a, start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 15)
        )
    points = {p["id"]: p for p in stop_points(data["stops"])}
    # then the day shown is the timetable's, and the Pier's figures are the files'
    total, daytime = pier_by_hand()
    assert data["stops_day"] == dt.date(2014, 6, 10)
    assert points[PIER]["departures"] == total
    assert points[PIER]["interval"] == round(720 / daytime, 1) == 3.1  # 235 departures
    assert str(total) in points[PIER]["label"]
    # and each stop is where the feed (moved onto the town) puts it
    centre = town_a.territory.centroid.transform(4326, clone=True)
    assert abs(points[PIER]["lat"] - centre.y) < 1e-5
    assert abs(points[PIER]["lon"] - centre.x) < 1e-5


def test_without_a_timetable_the_map_has_no_stops(town_a):
    with scope(town_a):
        data = selectors.observatory_data(
            municipality=town_a, start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 15)
        )
    assert data["stops_day"] is None
    assert stop_points(data["stops"]) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_analyst_reads_a_stops_departures_on_the_map_beside_the_counts(
    page, axe, live_server, staff_client, town_a, tmp_path
):
    # given counts and a timetable day
    write_data(town_a)
    feed = moved_onto(town_a, tmp_path / "horaire.zip")
    assert imported(town_a, feed, service_date="2014-06-10").status == "done"
    _logged_in(page, staff_client, member(town_a, Role.MOBILITY_ANALYST), live_server)
    # when the analyst opens the observatory
    response = page.goto("/pully/mobility/?start=2026-01-05&end=2026-02-15")
    assert response.status == 200
    page.wait_for_selector("#observatory-map.leaflet-container path.stop-point")
    # then the counting sites and the stops are on the same map
    with scope(town_a):
        data = selectors.observatory_data(
            municipality=town_a, start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 15)
        )
    stops = stop_points(data["stops"])
    assert page.locator("#observatory-map path.stop-point").count() == len(stops) > 100
    assert page.locator("#observatory-map path.leaflet-interactive:not(.stop-point)").count() > 12
    # and the busiest stop's tooltip gives its departures and interval worked out by hand
    total, daytime = pier_by_hand()
    link = page.locator("#map-title ~ p.help a[href*='/mobility/departures/?date=2014-06-10']")
    assert link.count() == 1
    pier = next(s for s in stops if s["id"] == PIER)
    marker = page.locator("#observatory-map path.stop-point").nth(stops.index(pier))
    marker.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    text = tooltip.inner_text()
    interval = f"{720 / daytime:.1f}"
    assert pier["name"] in text and str(total) in text
    assert f" {interval} min" in text or f" {interval.replace('.', ',')} min" in text
    axe(page)
