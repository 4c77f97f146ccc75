"""The address layer: import (atomic replacement, clear refusals), accent-insensitive search,
the search on the request form with and without JavaScript, and isolation between towns."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commune.accounts import demo as accounts_demo
from commune.permits import demo
from commune.permits.models import Address
from commune.permits.selectors import address_search
from commune.permits.services.addresses import address_key, address_layer_import
from commune.tenants import demo as tenants_demo
from commune.tenants.scoping import scope, scopes_disabled

from .factories import origin


def geojson(town, labels, *, dx=100, dy=100, **extra) -> SimpleUploadedFile:
    x, y = origin(town)
    features = [
        {
            "type": "Feature",
            "properties": {"label": label, **extra},
            "geometry": {"type": "Point", "coordinates": [x + dx + 10 * i, y + dy]},
        }
        for i, label in enumerate(labels)
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return SimpleUploadedFile("adresses.geojson", body)


def labels(town) -> set[str]:
    with scope(town):
        return set(Address.objects.values_list("label", flat=True))


@pytest.fixture
def layer_a(town_a, officer):
    with scope(town_a):
        address_layer_import(
            municipality=town_a,
            upload=geojson(town_a, ["Avenue de Lavaux 12", "Chemin de la Dôle 3", "Grand-Rue 1"]),
            actor=officer,
        )


@pytest.fixture
def layer_b(town_b):
    with scope(town_b):
        address_layer_import(
            municipality=town_b, upload=geojson(town_b, ["Route de Lavaux 99"]), actor=None
        )


def test_the_key_drops_accents_case_and_punctuation():
    assert address_key("Chemin de la DÔLE, 3") == "chemin de la dole 3"


def test_search_ignores_accents_and_case_and_needs_every_word(town_a, layer_a):
    with scope(town_a):
        assert [a.label for a in address_search(municipality=town_a, q="lavaux")] == [
            "Avenue de Lavaux 12"
        ]
        assert [a.label for a in address_search(municipality=town_a, q="DOLE")] == [
            "Chemin de la Dôle 3"
        ]
        assert [a.label for a in address_search(municipality=town_a, q="dôle 4")] == []
        assert address_search(municipality=town_a, q="  ") == []


def test_an_import_replaces_the_layer(town_a, officer, layer_a):
    with scope(town_a):
        count = address_layer_import(
            municipality=town_a, upload=geojson(town_a, ["Rue Neuve 5"]), actor=officer
        )
    assert count == 1
    assert labels(town_a) == {"Rue Neuve 5"}


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("a.geojson", b"PK\x03\x04not really"), "type"),
        (
            SimpleUploadedFile("a.geojson", b'{"type": "FeatureCollection", "features": []}'),
            "empty",
        ),
        (
            SimpleUploadedFile(
                "a.geojson",
                b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
                b'"properties": {"label": "X 1"}, "geometry": {"type": "LineString", '
                b'"coordinates": [[0, 0], [1, 1]]}}]}',
            ),
            "not_point",
        ),
    ],
)
def test_a_broken_file_is_refused_and_the_layer_stays(town_a, officer, layer_a, upload, code):
    with scope(town_a), pytest.raises(ValidationError) as caught:
        address_layer_import(municipality=town_a, upload=upload, actor=officer)
    assert caught.value.error_list[0].code == code
    assert len(labels(town_a)) == 3


def test_a_feature_without_label_or_outside_the_town_is_refused_whole(town_a, officer, layer_a):
    with scope(town_a):
        with pytest.raises(ValidationError) as no_label:
            address_layer_import(
                municipality=town_a, upload=geojson(town_a, ["Rue Neuve 5", ""]), actor=officer
            )
        with pytest.raises(ValidationError) as outside:
            address_layer_import(
                municipality=town_a, upload=geojson(town_a, ["Loin 1"], dx=-5000), actor=officer
            )
    assert no_label.value.code == "no_label"
    assert outside.value.code == "outside"
    assert len(labels(town_a)) == 3


def test_the_form_page_lists_matches_without_javascript(client, town_a, applicant, layer_a):
    client.force_login(applicant)
    page = client.get("/pully/permits/new/?address=LAVAUX")
    body = page.content.decode()
    assert page.status_code == 200
    with scope(town_a):
        lavaux = Address.objects.get(label="Avenue de Lavaux 12")
    assert f'data-address-id="{lavaux.pk}"' in body
    assert 'aria-live="polite"' in body
    assert "Grand-Rue 1" not in body


def test_choosing_an_address_places_a_work_area_there(client, town_a, applicant, layer_a):
    # given
    client.force_login(applicant)
    with scope(town_a):
        lavaux = Address.objects.get(label="Avenue de Lavaux 12")
    # when
    page = client.get(f"/pully/permits/new/?address=lavaux&at={lavaux.pk}")
    # then: the geometry field holds a small area that contains the address
    geometry = json.loads(page.context["form"].initial["geometry"])
    from django.contrib.gis.geos import GEOSGeometry

    area = GEOSGeometry(json.dumps(geometry["features"][0]["geometry"]), srid=4326)
    area.transform(2056)
    assert area.contains(lavaux.point)
    assert f'data-address-chosen="{lavaux.pk}"' in page.content.decode()


def test_htmx_suggestions_are_a_list_of_links(client, applicant, layer_a):
    client.force_login(applicant)
    response = client.get("/pully/permits/addresses/?q=lavaux", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "data-address-results" in body
    assert "Avenue de Lavaux 12" in body and 'href="/pully/permits/new/?address=lavaux' in body
    full = client.get("/pully/permits/addresses/?q=lavaux")
    assert "<html" in full.content.decode() and "Avenue de Lavaux 12" in full.content.decode()


def test_another_towns_addresses_never_appear(client, town_a, applicant, layer_a, layer_b):
    client.force_login(applicant)
    suggestions = client.get("/pully/permits/addresses/?q=lavaux").content.decode()
    form = client.get("/pully/permits/new/?address=route+lavaux").content.decode()
    with scopes_disabled():
        foreign = Address.objects.get(label="Route de Lavaux 99")
    chosen = client.get(f"/pully/permits/new/?at={foreign.pk}")
    assert "Route de Lavaux 99" not in suggestions and "Route de Lavaux 99" not in form
    assert "data-address-chosen" not in chosen.content.decode()


def test_the_officer_uploads_the_layer_and_a_broken_file_changes_nothing(
    staff_client, town_a, officer
):
    client = staff_client(officer)
    ok = client.post("/pully/permits/staff/addresses/", {"file": geojson(town_a, ["Rue A 1"])})
    assert ok.status_code == 302 and labels(town_a) == {"Rue A 1"}
    bad = SimpleUploadedFile("a.geojson", b'{"type": "Point"}')
    refused = client.post("/pully/permits/staff/addresses/", {"file": bad})
    assert refused.status_code == 400 and refused.context["form"].errors["file"]
    assert labels(town_a) == {"Rue A 1"}


def test_demo_addresses_lie_in_their_town_and_loading_twice_changes_nothing(db):
    towns = tenants_demo.load()
    accounts_demo.load(towns)
    demo.load(towns)
    first = {town.slug: labels(town) for town in towns}
    demo.load(towns)
    assert {town.slug: labels(town) for town in towns} == first
    for town in towns:
        assert len(first[town.slug]) >= 24
        with scope(town):
            assert all(town.territory.covers(a.point) for a in Address.objects.all())
