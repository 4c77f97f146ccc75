"""The observatory pages: who sees them, what they show, filters, htmx partial, exports and
the open-data suppression."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.urls import reverse

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.mobility import demo, warehouse
from commune.mobility.models import MobilitySettings
from commune.tenants.scoping import scope

START = dt.date(2026, 1, 5)


def member(town, role):
    user = UserFactory()
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role)
    return user


def write_data(town, *, days=70, effect=False):
    """Synthetic data for `town` (the demo's Pully sites), fast: `days` days from START."""
    spec = demo.OBSERVATORY_SITES["pully"]
    warehouse.demo_observatory_write(
        municipality=town,
        sites=[
            {"site_id": sid, "name": name, "kind": "counter", "e": float(e), "n": float(n)}
            for sid, name, e, n in spec["sites"]
        ],
        start=START,
        days=days,
        zones_centre=spec["centre"],
        effect_sites=["P01", "P02"] if effect else None,
        effect_date=START + dt.timedelta(days=days // 2) if effect else None,
    )
    with scope(town):
        MobilitySettings.objects.update_or_create(
            municipality=town, defaults={"perimeter_zones": ["Z000", "Z001", "Z002", "Z003"]}
        )


@pytest.fixture
def data_a(town_a):
    write_data(town_a)
    return town_a


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(town, name="mobility:observatory", **kwargs):
    return reverse(name, kwargs={"town": town.slug, **kwargs})


PERIOD = {"start": "2026-01-05", "end": "2026-02-15"}


def test_analyst_sees_the_observatory_with_every_section(analyst, data_a):
    # when
    response = analyst.get(url(data_a), PERIOD)
    # then
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Avenue du Prieuré (centre)",
        'id="observatory-map"',
        "Weekday and hour profile",
        "Traffic typology of the perimeter",
        "Through",
        "Main origin–destination flows",
        "Where visitors come from",
        "Missing hours",
    ):
        assert text in body, text
    # every chart has an accessible name and a table beside it
    assert body.count('role="img"') >= 4
    assert body.count("<table") >= 6
    layers = response.context["layers"]
    assert {s["id"] for s in layers["sites"]} == {f"P0{i}" for i in range(1, 9)}
    assert len(layers["zones"]["features"]) == 12
    assert layers["flows"]


@pytest.mark.parametrize(
    "role", [Role.PERMIT_OFFICER, Role.MUNICIPALITY_ADMIN, Role.AGENDA_MODERATOR]
)
def test_other_staff_roles_are_refused_the_analyst_page_and_exports(staff_client, data_a, role):
    client = staff_client(member(data_a, role))
    assert client.get(url(data_a)).status_code == 403
    assert client.get(url(data_a, "mobility:export-csv")).status_code == 403
    assert client.get(url(data_a, "mobility:evaluation-list")).status_code == 403


def publish_all(town, today=dt.date(2026, 4, 1)):
    """The hourly job's work on `today`: every period over and covered by the data."""
    from .opendata_data import publish

    return publish(town, today=today)


def test_anonymous_visitors_are_sent_to_log_in_but_see_the_open_data_page(client, town_a):
    write_data(town_a, days=14)
    publish_all(town_a)
    response = client.get(url(town_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(url(town_a, "mobility:export-parquet")).status_code == 302
    public = client.get(url(town_a, "mobility:observatory-open"))
    assert public.status_code == 200
    assert "Avenue du Prieuré (centre)" in public.content.decode()


def test_the_open_page_before_any_publication_says_when_data_comes(client, town_a):
    # given data whose periods are not over yet (nothing published)
    write_data(town_a, days=14)
    # when
    response = client.get(url(town_a, "mobility:observatory-open"))
    export = client.get(url(town_a, "mobility:export-open-csv"), {"indicator": "daily"})
    # then
    assert response.status_code == 200
    assert "Aucune donnée ouverte sur la mobilité n’est encore publiée" in response.content.decode()
    assert export.status_code == 404


def test_the_page_without_data_says_so(analyst, town_a):
    response = analyst.get(url(town_a))
    assert response.status_code == 200
    assert "This town has no mobility data yet." in response.content.decode()


def test_filters_by_mode_and_site_narrow_the_figures(analyst, data_a):
    # when: only bicycles (site P03 is the bicycle counter)
    response = analyst.get(url(data_a), {**PERIOD, "mode": "bicycle"})
    # then
    assert response.status_code == 200
    assert [s["id"] for s in response.context["shown"]["sites"]] == ["P03"]
    # when: two sites chosen
    response = analyst.get(url(data_a), {**PERIOD, "site": ["P01", "P07"]})
    assert [s["id"] for s in response.context["shown"]["sites"]] == ["P01", "P07"]


def test_htmx_refresh_returns_only_the_results(analyst, data_a):
    response = analyst.get(url(data_a), PERIOD, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="observatory-results"')
    assert "<html" not in body


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2026-02-10", "end": "2026-01-10"}, "The end of the period is before its start"),
        ({"start": "2024-01-01", "end": "2026-01-10"}, "at most 366 days"),
        ({"start": "not a date", "end": "2026-01-10"}, "Enter a valid date"),
        ({**PERIOD, "mode": "rocket"}, "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error_page(analyst, data_a, params, message):
    response = analyst.get(url(data_a), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["shown"]["sites"]  # the default period is still shown


def _csv(response) -> pd.DataFrame:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return pd.read_csv(io.BytesIO(response.content))


def test_csv_exports_have_the_documented_columns(analyst, data_a):
    expected = {
        "daily": ["site_id", "name", "local_date", "volume", "hours_observed"],
        "sites": ["site_id", "name", "lat", "lon", "volume"],
        "profile": ["iso_weekday", "local_hour", "mean_volume"],
        "od": ["origin", "origin_name", "destination", "destination_name", "trips"],
        "typology": ["typology", "trips", "share"],
        "catchment": ["band_km", "presence", "share"],
        "quality": ["site_id", "name", "observed_hours", "expected_hours", "missing_hours"],
    }
    for indicator, columns in expected.items():
        frame = _csv(
            analyst.get(url(data_a, "mobility:export-csv"), {**PERIOD, "indicator": indicator})
        )
        assert list(frame.columns) == columns, indicator
        assert len(frame) > 0, indicator
    daily = _csv(analyst.get(url(data_a, "mobility:export-csv"), {**PERIOD, "site": "P02"}))
    assert set(daily.site_id) == {"P02"}
    assert daily.local_date.min() == "2026-01-05" and daily.local_date.max() == "2026-02-15"


def test_parquet_export_is_readable_with_pyarrow_and_matches_the_csv(analyst, data_a):
    response = analyst.get(url(data_a, "mobility:export-parquet"), {**PERIOD, "indicator": "od"})
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    frame = table.to_pandas()
    csv = _csv(analyst.get(url(data_a, "mobility:export-csv"), {**PERIOD, "indicator": "od"}))
    assert table.column_names == [
        "origin",
        "origin_name",
        "destination",
        "destination_name",
        "trips",
    ]
    assert len(frame) == 144
    assert int(frame.trips.sum()) == int(csv.trips.sum())


def test_geojson_export_is_valid_wgs84(analyst, data_a):
    response = analyst.get(url(data_a, "mobility:export-geojson"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    doc = json.loads(response.content)
    assert doc["type"] == "FeatureCollection"
    kinds = {f["properties"]["layer"]: f["geometry"]["type"] for f in doc["features"]}
    assert kinds == {"site": "Point", "zone": "Polygon", "flow": "LineString"}

    def positions(geometry):
        coords = geometry["coordinates"]
        if geometry["type"] == "Point":
            return [coords]
        if geometry["type"] == "LineString":
            return coords
        return [p for ring in coords for p in ring]

    for feature in doc["features"]:
        for lon, lat in positions(feature["geometry"]):
            assert 5.9 < lon < 10.6 and 45.8 < lat < 47.9  # [lon, lat] in Switzerland
        if feature["geometry"]["type"] == "Polygon":
            ring = feature["geometry"]["coordinates"][0]
            assert ring[0] == ring[-1] and len(ring) >= 4


def test_unknown_indicator_or_bad_period_in_an_export_is_a_400_with_a_message(analyst, data_a):
    response = analyst.get(url(data_a, "mobility:export-csv"), {"indicator": "salaries"})
    assert response.status_code == 400
    assert "Unknown indicator" in response.content.decode()
    response = analyst.get(url(data_a, "mobility:export-csv"), {"start": "x", "end": "y"})
    assert response.status_code == 400


def _hidden_by_line(frame, row, column, value):
    matrix = frame.pivot(index=row, columns=column, values=value)
    return matrix.isna().sum(axis=1), matrix.isna().sum(axis=0), matrix


WEEK = {"start": "2026-01-12", "end": "2026-01-18"}  # a published week: period=2026-01-12


def test_public_exports_hide_every_cell_under_k_and_every_cell_a_total_would_reveal(
    analyst, town_a
):
    # given: two weeks, and k at the median flow between two zones over a week, so many cells
    # of the published week are small
    write_data(town_a, days=14)
    internal = _csv(analyst.get(url(town_a, "mobility:export-csv"), {**WEEK, "indicator": "od"}))
    k = int(internal[internal.origin != internal.destination].trips.median())
    with scope(town_a):
        MobilitySettings.objects.filter(municipality=town_a).update(k_anonymity=k)
    assert (internal.trips < k).sum() > 10  # the test needs small cells to mean anything
    publish_all(town_a)
    visitor = Client()  # anonymous
    week = {"period": "2026-01-12"}
    # when
    public = _csv(visitor.get(url(town_a, "mobility:export-open-csv"), {**week, "indicator": "od"}))
    geo = json.loads(visitor.get(url(town_a, "mobility:export-open-geojson"), week).content)
    # then: no published cell under k, every small cell hidden, the others unchanged
    merged = internal.merge(public, on=["origin", "destination"], suffixes=("", "_pub"))
    assert len(merged) == len(internal)
    assert (merged.trips_pub.dropna() >= k).all()
    assert merged[merged.trips < k].trips_pub.isna().all()
    shown = merged.dropna(subset=["trips_pub"])
    assert len(shown) > 0
    assert (shown.trips == shown.trips_pub).all()
    # and: where a zone's total is published, its line never has exactly one hidden cell
    zones = {
        f["properties"]["zone_id"]: f["properties"]
        for f in geo["features"]
        if f["properties"]["layer"] == "zone"
    }
    by_row, by_col, _ = _hidden_by_line(public, "origin", "destination", "trips")
    for zone, props in zones.items():
        if props["trips_out"] is not None:
            assert by_row[zone] != 1, zone
            assert props["trips_out"] >= k
        if props["trips_in"] is not None:
            assert by_col[zone] != 1, zone
    # and: the public page ranks no flow under k
    page = visitor.get(url(town_a, "mobility:observatory-open"), week)
    assert page.context["shown"]["flows"]
    assert all(f["trips"] >= k for f in page.context["shown"]["flows"])


def test_public_typology_and_catchment_are_suppressed_with_the_towns_k(town_a):
    # given: k above the smallest catchment band of a published week
    write_data(town_a, days=14)
    internal = warehouse.observatory_indicators(
        municipality=town_a,
        start=dt.date(2026, 1, 12),
        end=dt.date(2026, 1, 19),
        modes=None,
        sites=None,
        perimeter=["Z000", "Z001", "Z002", "Z003"],
    )
    smallest = int(internal["catchment"].presence.min())
    with scope(town_a):
        MobilitySettings.objects.filter(municipality=town_a).update(k_anonymity=smallest + 1)
    publish_all(town_a)
    # when
    catchment = _csv(
        Client().get(
            url(town_a, "mobility:export-open-csv"),
            {"period": "2026-01-12", "indicator": "catchment"},
        )
    )
    # then: the small band is hidden, and so is a second cell or the total (no subtraction)
    assert catchment.presence.isna().sum() >= 2
    assert catchment.share.isna().sum() >= 2
