"""The street of the works (the town's address nearest to them, `location_label`) as a
property of every public feature: the OGC API items in CRS84 and in LV95, one item, its HTML
page and the public GeoJSON; a work with no address near says null."""

import datetime as dt

import pytest

from commune.permits.models import PermitRequest
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

ITEMS = "/pully/ogcapi/collections/works/items"
LV95 = "http://www.opengis.net/def/crs/EPSG/0/2056"


@pytest.fixture
def two_works(town_a):
    """A work on Avenue de Lavaux 12, and one with no address near (its label blank)."""
    with scope(town_a):
        street = work(town_a, start=dt.date(2030, 1, 7))
        nowhere = work(town_a, start=dt.date(2030, 1, 8))
        PermitRequest.objects.filter(pk=street.pk).update(location_label="Avenue de Lavaux 12")
        PermitRequest.objects.filter(pk=nowhere.pk).update(location_label="")
    return street, nowhere


def addresses(document):
    return {f["id"]: f["properties"]["address"] for f in document["features"]}


@pytest.mark.parametrize("query", ["", f"?crs={LV95}"], ids=["crs84", "lv95"])
def test_ogc_items_carry_the_street_in_either_crs(client, two_works, query):
    street, nowhere = two_works
    document = client.get(f"{ITEMS}{query}").json()
    assert addresses(document) == {street.pk: "Avenue de Lavaux 12", nowhere.pk: None}


@pytest.mark.parametrize("query", ["", f"?crs={LV95}"], ids=["crs84", "lv95"])
def test_one_ogc_item_carries_its_street(client, two_works, query):
    street, _nowhere = two_works
    feature = client.get(f"{ITEMS}/{street.pk}{query}").json()
    assert feature["properties"]["address"] == "Avenue de Lavaux 12"


def test_the_items_html_page_and_the_api_definition_name_the_street(client, two_works):
    street, nowhere = two_works
    page = client.get(f"{ITEMS}/{street.pk}?f=html").content.decode()
    assert "<dd>Avenue de Lavaux 12</dd>" in page
    schema = client.get("/pully/ogcapi/api").json()["components"]["schemas"]["Work"]
    assert schema["properties"]["properties"]["properties"]["address"]["nullable"] is True


def test_the_public_geojson_carries_the_street(client, two_works):
    street, nowhere = two_works
    document = client.get("/pully/works/works.geojson").json()
    assert addresses(document) == {street.pk: "Avenue de Lavaux 12", nowhere.pk: None}
