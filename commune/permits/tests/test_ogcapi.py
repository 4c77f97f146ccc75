"""OGC API Features at /<town>/ogcapi/: the documents, the parameters, and real GIS clients
(GDAL's OAPIF driver, OWSLib) against the live test server."""

import datetime as dt
import json
import re
import subprocess

import pytest

from commune.permits.models import PermitRequest
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

BASE = "/pully/ogcapi"


@pytest.fixture
def twelve_works(town_a):
    """Twelve granted works, starting one week apart from 2030-01-07."""
    with scope(town_a):
        return [
            work(town_a, start=dt.date(2030, 1, 7) + dt.timedelta(weeks=i), days=3, dx=50 + 120 * i)
            for i in range(12)
        ]


def links(document, rel):
    return [link for link in document["links"] if link["rel"] == rel]


def test_landing_page_links_to_the_api_definition_conformance_and_data(client, town_a):
    # when
    response = client.get(f"{BASE}/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert links(document, "service-desc")[0]["type"].startswith("application/vnd.oai.openapi")
    assert links(document, "conformance")[0]["href"].endswith("/pully/ogcapi/conformance")
    assert links(document, "data")[0]["href"].endswith("/pully/ogcapi/collections")


def test_conformance_declares_core_geojson_html_and_openapi(client, town_a):
    classes = client.get(f"{BASE}/conformance").json()["conformsTo"]
    for part in ("core", "geojson", "html", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{part}" in classes


def test_api_definition_is_openapi_3(client, town_a):
    response = client.get(f"{BASE}/api")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.0")
    assert "/collections/works/items" in document["paths"]


def test_collection_works_describes_its_extent_in_crs84(client, twelve_works):
    # when
    collections = client.get(f"{BASE}/collections").json()
    collection = client.get(f"{BASE}/collections/works").json()
    # then
    assert [c["id"] for c in collections["collections"]] == ["works"]
    assert collection["itemType"] == "feature"
    minx, miny, maxx, maxy = collection["extent"]["spatial"]["bbox"][0]
    assert 5.9 < minx < maxx < 10.5 and 45.8 < miny < maxy < 47.9
    assert collection["extent"]["temporal"]["interval"][0][0].startswith("2030-01-07")
    assert links(collection, "items")


def test_items_page_with_limit_and_offset_and_next_prev_links(client, twelve_works):
    # when
    first = client.get(f"{BASE}/collections/works/items?limit=5")
    # then
    assert first["Content-Type"] == "application/geo+json"
    page = first.json()
    assert page["numberMatched"] == 12 and page["numberReturned"] == 5
    assert not links(page, "prev")
    second = client.get(links(page, "next")[0]["href"]).json()
    third = client.get(links(second, "next")[0]["href"]).json()
    assert third["numberReturned"] == 2 and not links(third, "next")
    assert links(third, "prev")
    seen = [f["id"] for p in (page, second, third) for f in p["features"]]
    assert sorted(seen) == sorted(p.pk for p in twelve_works)


def test_items_filtered_by_bbox_in_wgs84(client, twelve_works, town_a):
    # given: a box around the first work's area only
    with scope(town_a):
        area = twelve_works[0].areas.get().geometry.transform(4326, clone=True)
    minx, miny, maxx, maxy = area.extent
    bbox = f"{minx - 0.0001},{miny - 0.0001},{maxx + 0.0001},{maxy + 0.0001}"
    # when
    page = client.get(f"{BASE}/collections/works/items", {"bbox": bbox}).json()
    # then
    assert [f["id"] for f in page["features"]] == [twelve_works[0].pk]


@pytest.mark.parametrize(
    ("datetime", "expected"),
    [
        ("2030-01-08", [0]),
        ("2030-01-08T12:00:00Z", [0]),
        ("2030-01-13/2030-01-22", [1, 2]),
        ("../2030-01-14", [0, 1]),
        ("2030-03-18/..", [10, 11]),
        ("2030-03-18/", [10, 11]),
        ("../..", list(range(12))),
    ],
)
def test_items_filtered_by_datetime_intervals(client, twelve_works, datetime, expected):
    page = client.get(
        f"{BASE}/collections/works/items", {"datetime": datetime, "limit": 100}
    ).json()
    assert sorted(f["id"] for f in page["features"]) == [twelve_works[i].pk for i in expected]


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "6.6,46.5,6.7"},
        {"bbox": "a,b,c,d"},
        {"bbox": "6.7,46.5,6.6,46.6"},
        {"datetime": "next tuesday"},
        {"datetime": "2030-02-30"},
        {"datetime": "2030-03-01/2030-02-01"},
        {"datetime": "2030-01-01T10:00:00"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"offset": "-5"},
        {"f": "xml"},
        {"colour": "red"},
    ],
)
def test_bad_parameters_answer_400_with_a_json_error(client, town_a, query):
    response = client.get(f"{BASE}/collections/works/items", query)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "InvalidParameterValue" and error["description"]


def test_limit_above_the_maximum_is_capped(client, twelve_works):
    page = client.get(f"{BASE}/collections/works/items?limit=100000").json()
    assert page["numberReturned"] == 12


def test_one_item_and_another_towns_item_is_404(client, twelve_works, town_b):
    # given
    with scope(town_b):
        foreign = work(town_b)
    # when
    own = client.get(f"{BASE}/collections/works/items/{twelve_works[0].pk}")
    other = client.get(f"{BASE}/collections/works/items/{foreign.pk}")
    # then
    assert own.status_code == 200 and own["Content-Type"] == "application/geo+json"
    assert own.json()["properties"]["reference"] == twelve_works[0].reference
    assert other.status_code == 404 and other.json()["code"] == "NotFound"


def test_drafts_are_not_items(client, town_a):
    with scope(town_a):
        hidden = work(town_a, status=PermitRequest.Status.IN_REVIEW)
    assert client.get(f"{BASE}/collections/works/items/{hidden.pk}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/conformance", "/collections", "/collections/works", "/collections/works/items"]
)
def test_every_resource_has_an_html_page_for_browsers(client, twelve_works, path):
    by_param = client.get(f"{BASE}{path}?f=html")
    by_accept = client.get(f"{BASE}{path}", HTTP_ACCEPT="text/html,application/xhtml+xml")
    for response in (by_param, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert b"<main" in response.content


def test_items_html_lists_the_works(client, twelve_works):
    body = client.get(f"{BASE}/collections/works/items?f=html&limit=3").content.decode()
    assert twelve_works[0].reference in body and twelve_works[3].reference not in body
    assert 'rel="next"' in body


# --- real clients against the live server ----------------------------------------------


@pytest.fixture
def served_works(transactional_db, live_server):
    from commune.tenants.tests.factories import MunicipalityFactory

    town = MunicipalityFactory(slug="pully", name="Pully", ofs_number=5590)
    with scope(town):
        permits = [
            work(town, start=dt.date(2030, 5, 1) + dt.timedelta(days=i), dx=40 + 60 * i)
            for i in range(25)
        ]
    return f"{live_server.url}/pully/ogcapi/", permits


def test_gdal_ogrinfo_lists_the_works_of_the_live_server(served_works):
    url, permits = served_works
    # when
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-oo", "PAGE_SIZE=10", f"OAPIF:{url}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert "Layer name: works" in result.stdout
    assert "Feature Count: 25" in result.stdout
    for permit in permits:
        assert f"reference (String) = {permit.reference}" in result.stdout
    assert "MULTIPOLYGON" in result.stdout


def test_gdal_summary_reads_the_extent_in_wgs84(served_works):
    url, _permits = served_works
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", f"OAPIF:{url}"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Feature Count: 25" in result.stdout
    minx, miny, maxx, maxy = map(
        float, re.search(r"Extent: \((.+), (.+)\) - \((.+), (.+)\)", result.stdout).groups()
    )
    assert 5.9 < minx < maxx < 10.5 and 45.8 < miny < maxy < 47.9  # lon/lat in Switzerland


def test_owslib_pages_through_the_works(served_works):
    from owslib.ogcapi.features import Features

    url, permits = served_works
    api = Features(url)
    # when
    assert "works" in [c["id"] for c in api.collections()["collections"]]
    seen, offset = [], 0
    while True:
        page = api.collection_items("works", limit=10, offset=offset)
        seen += [f["properties"]["reference"] for f in page["features"]]
        if not [link for link in page["links"] if link["rel"] == "next"]:
            break
        offset += 10
    # then
    assert page["numberMatched"] == 25
    assert sorted(seen) == sorted(p.reference for p in permits)
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (api.conformance()["conformsTo"])
    )
