"""The maps' background from the town's WMTS (issue 8): the town sets the tile address and its
credit (swisstopo's grey map by default); only an https template without credentials, with
{z}, {x} and {y}, is accepted; the maps read it from their element, and the page's security
policy admits that host on the pages that draw a map, for that town only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.core.models import AuditEntry
from commune.permits.models import PermitSettings
from commune.permits.models.config import DEFAULT_BASEMAP_URL, tile_origin, validate_tile_template
from commune.tenants.scoping import scope

from .factories import town_settings

TOWN_TILES = "https://geo.pully.ch/wmts/1.0.0/plan/default/3857/{z}/{x}/{y}.png"


def img_src(response) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        if name == "img-src":
            return values
    return []


@pytest.mark.parametrize(
    "url",
    [
        TOWN_TILES,
        DEFAULT_BASEMAP_URL,
        "https://tiles.example.ch:8443/{z}/{x}/{y}.png?layer=plan",
    ],
)
def test_an_https_template_with_z_x_y_is_accepted(url):
    validate_tile_template(url)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://geo.pully.ch/{z}/{x}/{y}.png", "invalid"),
        ("https://user:secret@geo.pully.ch/{z}/{x}/{y}.png", "invalid"),
        ("https://token@geo.pully.ch/{z}/{x}/{y}.png", "invalid"),
        ("https://geo.pully.ch/{z}/{x}.png", "placeholders"),
        ("https://geo.pully.ch/{z}/{x}/{y}/{s}.png", "placeholders"),
        ("https://{s}.geo.pully.ch/{z}/{x}/{y}.png", "invalid"),
        ("https://geo.pully.ch; script-src *;/{z}/{x}/{y}.png", "invalid"),
        ("https://geo.pully.ch/{z}/{x}/{y}.png 'unsafe-inline'", "invalid"),
        ("javascript:alert(1)//{z}/{x}/{y}", "invalid"),
        ("https:///{z}/{x}/{y}.png", "invalid"),
        ("https://geo.pully.ch:99999/{z}/{x}/{y}.png", "invalid"),
    ],
)
def test_a_template_that_is_not_safe_or_not_a_tile_address_is_refused(url, code):
    with pytest.raises(ValidationError) as refused:
        validate_tile_template(url)
    assert refused.value.code == code


def test_the_origin_of_a_template_is_its_scheme_host_and_port():
    assert tile_origin(TOWN_TILES) == "https://geo.pully.ch"
    assert tile_origin("https://Tiles.Example.ch:8443/{z}/{x}/{y}.png") == (
        "https://tiles.example.ch:8443"
    )


def test_the_settings_form_refuses_a_template_with_credentials(in_town):
    # given the town's settings with a tile address holding a password
    config = town_settings(in_town)
    config.basemap_url = "https://me:pw@geo.pully.ch/{z}/{x}/{y}.png"
    # when they are checked as the admin's form checks them
    with pytest.raises(ValidationError) as refused:
        config.full_clean()
    # then the field says why
    assert "basemap_url" in refused.value.message_dict


def test_by_default_the_maps_use_swisstopo_and_the_policy_is_the_sites(client, town_a):
    response = client.get("/pully/works/")
    body = response.content.decode()
    assert 'data-tiles="https://wmts.geo.admin.ch/1.0.0/ch.swisstopo.pixelkarte-grau' in body
    assert 'data-tiles-attribution="© swisstopo"' in body
    assert img_src(response).count("https://wmts.geo.admin.ch") == 1


def test_the_public_map_reads_the_towns_tiles_and_its_policy_admits_their_host(
    client, town_a, town_b
):
    # given town A set its own WMTS
    with scope(town_a):
        town_settings(town_a, basemap_url=TOWN_TILES, basemap_attribution="© Ville de Pully")
    # when the public works map is opened in both towns
    response = client.get("/pully/works/")
    other = client.get("/lutry/works/")
    # then town A's map reads its tiles, and only its page admits that host
    body = response.content.decode()
    assert f'data-tiles="{TOWN_TILES}"' in body
    assert 'data-tiles-attribution="© Ville de Pully"' in body
    assert "https://geo.pully.ch" in img_src(response)
    assert "https://geo.pully.ch" not in img_src(other)
    assert "geo.pully.ch" not in other.content.decode()


def test_a_page_without_a_map_does_not_admit_the_towns_host(client, town_a):
    with scope(town_a):
        town_settings(town_a, basemap_url=TOWN_TILES)
    response = client.get("/pully/")
    assert "https://geo.pully.ch" not in img_src(response)


def test_the_staff_map_reads_the_towns_tiles(staff_client, town_a):
    # given
    with scope(town_a):
        town_settings(town_a, basemap_url=TOWN_TILES)
        officer = UserFactory(kind="staff")
        Membership.objects.create(municipality=town_a, user=officer, role=Role.PERMIT_OFFICER)
    # when
    response = staff_client(officer).get("/pully/permits/staff/map/")
    # then
    assert response.status_code == 200
    assert f'data-tiles="{TOWN_TILES}"' in response.content.decode()
    assert 'data-tiles-unavailable="Fond de carte indisponible"' in response.content.decode()
    assert "https://geo.pully.ch" in img_src(response)


def test_a_stored_template_that_is_not_safe_never_reaches_the_page_or_the_policy(client, town_a):
    # given a row written around the form's validation
    with scope(town_a):
        town_settings(town_a)
        PermitSettings.objects.filter(municipality=town_a).update(
            basemap_url="https://evil.example.ch; script-src *;/{z}/{x}/{y}.png"
        )
    # when
    response = client.get("/pully/works/")
    # then the default map is used and the policy is the site's
    assert "evil.example.ch" not in response.content.decode()
    assert not any("evil" in value for value in img_src(response))
    assert "script-src *" not in response["Content-Security-Policy"]


def _member(town, role):
    with scope(town):
        user = UserFactory(kind="staff")
        Membership.objects.create(municipality=town, user=user, role=role)
    return user


def test_the_towns_admin_sets_the_background_map_and_the_maps_use_it(staff_client, town_a):
    # given the town's administrator
    admin = _member(town_a, Role.MUNICIPALITY_ADMIN)
    client = staff_client(admin)
    # when they save the town's WMTS
    form = client.get("/pully/permits/staff/basemap/")
    saved = client.post(
        "/pully/permits/staff/basemap/",
        {"url": f"  {TOWN_TILES} ", "attribution": "© Ville de Pully"},
        follow=True,
    )
    # then the form showed swisstopo's, the new one is stored with an audit row, and the
    # public map reads it
    assert form.status_code == 200
    assert DEFAULT_BASEMAP_URL in form.content.decode()
    assert "Le fond de carte est enregistré." in saved.content.decode()
    with scope(town_a):
        config = PermitSettings.objects.get(municipality=town_a)
        assert (config.basemap_url, config.basemap_attribution) == (TOWN_TILES, "© Ville de Pully")
        assert AuditEntry.objects.filter(action="basemap_set").count() == 1
    assert f'data-tiles="{TOWN_TILES}"' in client.get("/pully/works/").content.decode()


def test_an_unsafe_address_is_refused_with_the_reason_and_nothing_changes(staff_client, town_a):
    client = staff_client(_member(town_a, Role.MUNICIPALITY_ADMIN))
    response = client.post(
        "/pully/permits/staff/basemap/",
        {"url": "http://geo.pully.ch/{z}/{x}/{y}.png", "attribution": "x"},
    )
    assert response.status_code == 400
    assert "sans nom d’utilisateur ni mot de passe" in response.content.decode()
    with scope(town_a):
        assert PermitSettings.objects.get(municipality=town_a).basemap_url == DEFAULT_BASEMAP_URL


def test_only_the_towns_admin_may_set_the_background_map(staff_client, town_a, town_b):
    officer = _member(town_a, Role.PERMIT_OFFICER)
    foreign_admin = _member(town_b, Role.MUNICIPALITY_ADMIN)
    assert staff_client(officer).get("/pully/permits/staff/basemap/").status_code == 403
    # the officer's map page has no link to it; the admin's has
    assert (
        "/staff/basemap/"
        not in staff_client(officer).get("/pully/permits/staff/map/").content.decode()
    )
    response = staff_client(foreign_admin).post(
        "/pully/permits/staff/basemap/", {"url": TOWN_TILES, "attribution": "x"}
    )
    assert response.status_code == 403
    admin = _member(town_a, Role.MUNICIPALITY_ADMIN)
    assert (
        "/staff/basemap/" in staff_client(admin).get("/pully/permits/staff/map/").content.decode()
    )
