"""OGC API Features Part 2 (CRS by reference) in LV95, HEAD and CORS at /<town>/ogcapi/,
and GDAL's `ogrinfo` reading the works layer in EPSG:2056 from the live server."""

import datetime as dt
import http.client
import json
import re
import subprocess
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.gis.geos import Polygon

from commune.permits.models import WorkArea
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

BASE = "/pully/ogcapi"
ITEMS = f"{BASE}/collections/works/items"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
LV95 = "http://www.opengis.net/def/crs/EPSG/0/2056"
#: A known work area in LV95 (east, north), to the centimetre…
KNOWN_LV95 = [
    (2540000.12, 1151000.34),
    (2540010.37, 1151000.34),
    (2540010.37, 1151008.46),
    (2540000.12, 1151008.46),
    (2540000.12, 1151000.34),
]
#: …and its corners in WGS84 as `gdaltransform -s_srs EPSG:2056 -t_srs OGC:CRS84` gives them.
KNOWN_WGS84 = {
    (2540000.12, 1151000.34): (6.65691843154831, 46.5076124797464),
    (2540010.37, 1151008.46): (6.65705091121491, 46.5076864407714),
}


def place(town, permit, ring):
    """Move `permit`'s single work area to `ring` (LV95)."""
    WorkArea.objects.filter(municipality=town, permit=permit).update(
        geometry=Polygon(ring, srid=2056)
    )


@pytest.fixture
def known(town_a):
    """Two works in Pully: one at the known place, one 1 km further east."""
    with scope(town_a):
        here = work(town_a, start=dt.date(2030, 1, 7))
        there = work(town_a, start=dt.date(2030, 1, 8))
        place(town_a, here, KNOWN_LV95)
        place(town_a, there, [(e + 1000, n) for e, n in KNOWN_LV95])
    return here, there


def ring_of(feature):
    [[ring]] = feature["geometry"]["coordinates"]
    return ring


def test_collection_declares_crs84_then_lv95_and_stores_in_lv95(client, town_a):
    collection = client.get(f"{BASE}/collections/works").json()
    listed = client.get(f"{BASE}/collections").json()["collections"][0]
    for document in (collection, listed):
        assert document["crs"] == [CRS84, LV95]
        assert document["storageCrs"] == LV95
    classes = client.get(f"{BASE}/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_api_definition_and_html_page_name_the_crs(client, town_a):
    paths = json.loads(client.get(f"{BASE}/api").content)["paths"]
    items = {p["name"]: p for p in paths["/collections/works/items"]["get"]["parameters"]}
    one = {p["name"] for p in paths["/collections/works/items/{featureId}"]["get"]["parameters"]}
    assert items["crs"]["schema"]["enum"] == [CRS84, LV95]
    assert items["bbox-crs"]["schema"]["enum"] == [CRS84, LV95] and "crs" in one
    page = client.get(f"{BASE}/collections/works?f=html").content.decode()
    assert f"<code>{LV95}</code>" in page


def test_a_work_in_lv95_is_east_north_to_the_centimetre(client, known):
    here, _there = known
    # when
    response = client.get(f"{ITEMS}/{here.pk}", {"crs": LV95})
    # then
    assert response.status_code == 200
    assert response["Content-Crs"] == f"<{LV95}>"
    ring = ring_of(response.json())
    assert len(ring) == 5
    for (east, north), expected in zip(ring, KNOWN_LV95, strict=True):
        assert east == pytest.approx(expected[0], abs=0.005)
        assert north == pytest.approx(expected[1], abs=0.005)


def test_a_work_by_default_is_longitude_latitude_to_1e_7(client, known):
    here, _there = known
    # when
    response = client.get(f"{ITEMS}/{here.pk}")
    # then
    assert response["Content-Crs"] == f"<{CRS84}>"
    document = response.json()
    assert "crs" not in document  # RFC 7946: no crs member in WGS84
    ring = ring_of(document)
    for corner, (lon, lat) in KNOWN_WGS84.items():
        at = ring[KNOWN_LV95.index(corner)]
        assert at[0] == pytest.approx(lon, abs=1e-7) and at[1] == pytest.approx(lat, abs=1e-7)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [(LV95.replace("http:", "https:"), LV95), ("[EPSG:2056]", LV95), ("[OGC:CRS84]", CRS84)],
)
def test_the_crs_may_be_spelt_with_https_or_as_a_safe_curie(client, known, spelling, expected):
    here, _there = known
    response = client.get(f"{ITEMS}/{here.pk}", {"crs": spelling})
    assert response.status_code == 200 and response["Content-Crs"] == f"<{expected}>"


def test_items_in_lv95_carry_the_crs_and_a_bbox_in_metres(client, known):
    # when
    response = client.get(ITEMS, {"crs": LV95})
    # then
    assert response["Content-Crs"] == f"<{LV95}>"
    page = response.json()
    assert page["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::2056"
    assert page["bbox"] == pytest.approx([2540000.12, 1151000.34, 2541010.37, 1151008.46])
    assert all("crs=" in link["href"] for link in page["links"] if link["rel"] == "self")


def test_bbox_in_lv95_with_bbox_crs_selects_the_work_inside(client, known):
    here, there = known
    box = "2539990,1150990,2540020,1151020"
    # when
    inside = client.get(ITEMS, {"bbox": box, "bbox-crs": LV95}).json()
    east = client.get(ITEMS, {"bbox": "2540995,1150990,2541020,1151020", "bbox-crs": LV95}).json()
    everything = client.get(ITEMS, {"bbox": "2530000,1140000,2550000,1160000", "bbox-crs": LV95})
    # then: the answer stays in CRS84 (the bbox's CRS is not the answer's)
    assert [f["id"] for f in inside["features"]] == [here.pk]
    assert 6 < ring_of(inside["features"][0])[0][0] < 7
    assert [f["id"] for f in east["features"]] == [there.pk]
    assert everything.json()["numberMatched"] == 2


def test_bbox_crs_crs84_is_the_same_as_no_bbox_crs(client, known):
    here, _there = known
    box = "6.6568,46.5075,6.6571,46.5078"
    with_crs = client.get(ITEMS, {"bbox": box, "bbox-crs": CRS84}).json()
    without = client.get(ITEMS, {"bbox": box}).json()
    assert [f["id"] for f in with_crs["features"]] == [f["id"] for f in without["features"]]
    assert [f["id"] for f in without["features"]] == [here.pk]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"crs": "http://www.opengis.net/def/crs/EPSG/0/4326"}, "crs"),
        ({"crs": "EPSG:21781"}, "crs"),
        ({"crs": ""}, "crs"),
        ({"crs": "x" * 5000}, "crs"),
        ({"bbox": "2539990,1150990,2540020,1151020", "bbox-crs": "EPSG:3857"}, "bbox-crs"),
        ({"bbox": "2539990,1150990,2540020,1151020"}, "bbox"),  # LV95 numbers, CRS84 meant
        ({"bbox": "6.6,46.5,6.7,46.6", "bbox-crs": LV95}, "bbox"),  # degrees, LV95 meant
        ({"bbox": "2540020,1150990,2539990,1151020", "bbox-crs": LV95}, "bbox"),
        ({"bbox": "2539990,1150990,2540020", "bbox-crs": LV95}, "bbox"),
        ({"bbox": "a,b,c,d", "bbox-crs": LV95}, "bbox"),
        ({"bbox": "nan,1150990,inf,1151020", "bbox-crs": LV95}, "bbox"),
        ({"bbox-crs": LV95}, "bbox-crs"),
    ],
)
def test_unsupported_crs_or_bad_bbox_answers_400_with_a_clear_message(
    client, known, query, parameter
):
    response = client.get(ITEMS, query)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "InvalidParameterValue" and error["parameter"] == parameter
    if parameter == "crs" or "bbox" in query:
        assert LV95 in error["description"] or parameter == "bbox"  # says what is supported


def test_an_item_in_an_unsupported_crs_is_400_and_another_towns_is_404(client, known, town_b):
    here, _there = known
    with scope(town_b):
        foreign = work(town_b)
    bad = client.get(f"{ITEMS}/{here.pk}", {"crs": "EPSG:4326"})
    other = client.get(f"{ITEMS}/{foreign.pk}", {"crs": LV95})
    assert bad.status_code == 400 and bad.json()["parameter"] == "crs"
    assert other.status_code == 404 and other.json()["code"] == "NotFound"


PATHS = [
    "/",
    "/conformance",
    "/api",
    "/collections",
    "/collections/works",
    "/collections/works/items",
]


@pytest.mark.parametrize("path", [*PATHS, "/collections/works/items?f=html"])
def test_head_answers_the_get_headers_without_a_body(client, known, path):
    get = client.get(f"{BASE}{path}")
    head = client.head(f"{BASE}{path}")
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert int(head["Content-Length"]) == len(get.content) > 0
    assert head.get("Content-Crs") == get.get("Content-Crs")


def test_head_on_the_live_server_sends_no_body(served):
    url, _permits = served
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("HEAD", f"{parts.path}collections/works/items?{urlencode({'crs': LV95})}")
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200 and body == b""
    assert response.getheader("Content-Crs") == f"<{LV95}>"
    assert int(response.getheader("Content-Length")) > 1000


@pytest.mark.parametrize("path", [*PATHS, "/collections/works/items/999999"])
def test_cors_lets_any_site_read_the_public_data_without_credentials(client, known, path):
    response = client.get(f"{BASE}{path}", HTTP_ORIGIN="https://carte.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Content-Crs" in response["Access-Control-Expose-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_cors_on_errors_and_the_preflight(client, known):
    # when
    error = client.get(ITEMS, {"crs": "EPSG:4326"}, HTTP_ORIGIN="https://carte.example.org")
    preflight = client.options(
        ITEMS,
        HTTP_ORIGIN="https://carte.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
    )
    post = client.post(ITEMS, {})
    # then
    assert error.status_code == 400 and error["Access-Control-Allow-Origin"] == "*"
    assert preflight.status_code == 204 and preflight.content == b""
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Accept" in preflight["Access-Control-Allow-Headers"]
    assert post.status_code == 405 and "POST" not in post["Allow"]


# --- GDAL's ogrinfo against the live server -----------------------------------------------


@pytest.fixture
def served(transactional_db, live_server):
    from commune.tenants.tests.factories import MunicipalityFactory

    town = MunicipalityFactory(slug="pully", name="Pully", ofs_number=5590)
    with scope(town):
        permits = [work(town, start=dt.date(2030, 5, 1) + dt.timedelta(days=i)) for i in range(7)]
        for i, permit in enumerate(permits):
            place(town, permit, [(e + 100 * i, n) for e, n in KNOWN_LV95])
    return f"{live_server.url}/pully/ogcapi/", permits


def ogrinfo(*args):
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def extent(summary):
    found = re.search(r"Extent: \((.+), (.+)\) - \((.+), (.+)\)", summary)
    return tuple(map(float, found.groups()))


def test_ogrinfo_reads_the_works_layer_in_epsg_2056(served):
    """Done means: `ogrinfo` reads the works layer in EPSG:2056. GDAL 3.6's OAPIF driver has
    no CRS open option (3.7 reads storageCrs), so ogrinfo reads the items the API answers
    with `crs=…/2056`: it must see EPSG:2056 and the coordinates in metres."""
    url, permits = served
    items = f"{url}collections/works/items?{urlencode({'crs': LV95, 'limit': 100})}"
    # when
    summary = ogrinfo(items)
    # then
    assert f"Feature Count: {len(permits)}" in summary
    assert 'ID["EPSG",2056]' in summary and "CH1903+ / LV95" in summary
    minx, miny, maxx, maxy = extent(summary)
    assert (minx, miny) == pytest.approx((2540000.12, 1151000.34), abs=0.005)
    assert (maxx, maxy) == pytest.approx((2540610.37, 1151008.46), abs=0.005)


def test_gdal_oapif_reads_a_box_given_in_lv95_and_reprojects_to_our_lv95_values(served):
    """GDAL 3.6's OAPIF driver has no -spat_srs in ogrinfo: ogr2ogr reprojects the LV95 box to
    the layer's CRS84 for `bbox`, and the CRS84 features back to LV95 with PROJ; they must land
    on the stored coordinates (1e-7 degree is about a centimetre)."""
    url, _permits = served
    result = subprocess.run(
        [
            "ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{url}", "works",
            "-spat", "2539990", "1150990", "2540220", "1151020", "-spat_srs", "EPSG:2056",
            "-t_srs", "EPSG:2056", "-lco", "COORDINATE_PRECISION=3",
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    features = json.loads(result.stdout)["features"]
    assert len(features) == 3
    for feature in features:
        east, north = ring_of(feature)[0]
        shift = round((east - KNOWN_LV95[0][0]) / 100) * 100
        assert shift in (0, 100, 200)
        assert east == pytest.approx(KNOWN_LV95[0][0] + shift, abs=0.02)
        assert north == pytest.approx(KNOWN_LV95[0][1], abs=0.02)
