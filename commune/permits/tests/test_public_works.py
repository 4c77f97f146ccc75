"""The public works layer: the page, the GeoJSON and the closures calendar."""

import datetime as dt
import json

import pytest
import recurring_ical_events
from django.utils import timezone
from icalendar import Calendar

from commune.permits.models import PermitRequest
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
Closure = PermitRequest.Closure


@pytest.fixture
def works(town_a):
    """Public works and files the public must not see, in town A."""
    today = timezone.localdate()
    with scope(town_a):
        return {
            "granted": work(town_a, road_closure=Closure.FULL, parking_places_removed=3),
            "started": work(
                town_a,
                status=Status.WORKS_STARTED,
                start=today - dt.timedelta(days=10),
                days=30,
                road_closure=Closure.ONE_LANE,
                dx=600,
            ),
            "draft": work(town_a, status=Status.DRAFT),
            "in_review": work(town_a, status=Status.IN_REVIEW),
            "refused": work(town_a, status=Status.REFUSED),
            "closed": work(town_a, status=Status.CLOSED),
            "past": work(town_a, start=today - dt.timedelta(days=40), days=5),
        }


def test_works_page_lists_current_and_planned_works_with_dates_and_impact(client, works):
    # when
    response = client.get("/pully/works/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    for key in ("granted", "started"):
        assert works[key].reference in body
    for key in ("draft", "in_review", "refused", "closed", "past"):
        assert works[key].reference not in body
    assert works["granted"].organisation.name in body
    assert works["granted"].planned_start.strftime("%Y-%m-%d") in body
    assert 'id="works-map"' in body and "<table>" in body


def test_works_page_and_geojson_show_nothing_personal(client, works):
    permit = works["granted"]
    # when
    page = client.get("/pully/works/").content.decode()
    geojson = client.get("/pully/works/works.geojson").content.decode()
    # then
    for secret in (
        permit.site_manager_name,
        permit.site_manager_phone,
        permit.applicant.email,
        permit.applicant.full_name,
        permit.invoice_address,
        permit.description,
    ):
        assert secret not in page
        assert secret not in geojson


def test_geojson_is_rfc7946_in_wgs84(client, works):
    # when
    response = client.get("/pully/works/works.geojson")
    # then
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    by_ref = {f["properties"]["reference"]: f for f in data["features"]}
    assert set(by_ref) == {works["granted"].reference, works["started"].reference}
    feature = by_ref[works["granted"].reference]
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 5.9 < lon < 10.5 and 45.8 < lat < 47.9  # Switzerland, longitude first
    assert feature["properties"]["road_closure"] == "full"
    assert feature["properties"]["parking_places_removed"] == 3


def test_geojson_transforms_the_area_to_the_right_place(client, works, town_a):
    # given: the LV95 corner of the area, transformed independently with GDAL
    from django.contrib.gis.geos import Point

    with scope(town_a):
        area = works["granted"].areas.get()
    corner = Point(*area.geometry.coords[0][0], srid=2056).transform(4326, clone=True)
    # when
    data = client.get("/pully/works/works.geojson").json()
    # then
    ring = next(
        f for f in data["features"] if f["properties"]["reference"] == works["granted"].reference
    )["geometry"]["coordinates"][0][0]
    assert min(abs(x - corner.x) + abs(y - corner.y) for x, y in ring) < 1e-6


def test_another_towns_works_are_not_in_the_layer(client, works, town_b):
    # given
    with scope(town_b):
        foreign = work(town_b)
    # when
    body = client.get("/pully/works/works.geojson").content.decode()
    # then
    assert foreign.reference not in body
    assert foreign.reference in client.get("/lutry/works/works.geojson").content.decode()


def test_works_pages_are_404_when_the_town_has_not_enabled_permits(client, town_a):
    # given
    town_a.modules = ["mobility"]
    town_a.save(update_fields=["modules"])
    # when / then
    for path in ("/pully/works/", "/pully/works/works.geojson", "/pully/ogcapi/"):
        assert client.get(path).status_code == 404


def test_closures_calendar_has_one_event_per_closure_and_parses_back(client, works):
    # when
    response = client.get("/pully/works/closures.ics")
    # then
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    summaries = {str(e["SUMMARY"]) for e in events}
    assert len(events) == 2
    assert any(works["granted"].reference in s for s in summaries)
    assert any(works["started"].reference in s for s in summaries)
    assert calendar.walk("VTIMEZONE") and str(calendar.walk("VTIMEZONE")[0]["TZID"]) == (
        "Europe/Zurich"
    )
    granted = works["granted"]
    day = granted.planned_start + dt.timedelta(days=2)
    found = recurring_ical_events.of(calendar).at(day)
    assert [str(e["UID"]) for e in found if granted.reference in str(e["SUMMARY"])]
    after = recurring_ical_events.of(calendar).at(granted.planned_end + dt.timedelta(days=1))
    assert not [e for e in after if granted.reference in str(e["SUMMARY"])]


def test_closures_calendar_leaves_out_works_without_closure(client, town_a):
    # given
    with scope(town_a):
        quiet = work(town_a, road_closure=Closure.NONE)
    # when
    calendar = Calendar.from_ical(client.get("/pully/works/closures.ics").content)
    # then
    assert not [e for e in calendar.walk("VEVENT") if quiet.reference in str(e["SUMMARY"])]


def test_geojson_shows_a_new_work_at_once_despite_the_cache(client, works, town_a):
    # given: the layer was served (and cached)
    client.get("/pully/works/works.geojson")
    with scope(town_a):
        fresh = work(town_a, dx=900)
    # when
    body = client.get("/pully/works/works.geojson").content.decode()
    # then
    assert fresh.reference in body
