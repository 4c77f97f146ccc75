"""manage.py town_create: a town and its first administrator, who gets a link to choose a
password over real SMTP; safe to run twice; refusals that name the option at fault, with
nothing saved."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commune.accounts.models import Membership, Role, User
from commune.core.models import AuditEntry
from commune.tenants.models import Municipality
from commune.tenants.scoping import scopes_disabled

from .conftest import link_in, path_of

# The welcome link is a reset token, valid for a few days from now (docs/testing.md).
pytestmark = pytest.mark.clock

#: About 2 km x 2 km in WGS84 around Pully (the command brings it to LV95).
SQUARE = [[6.65, 46.50], [6.676, 46.50], [6.676, 46.518], [6.65, 46.518], [6.65, 46.50]]


@pytest.fixture
def territory(tmp_path):
    path = tmp_path / "pully.geojson"
    geometry = {"type": "Polygon", "coordinates": [SQUARE]}
    feature = {"type": "Feature", "properties": {"name": "Pully"}, "geometry": geometry}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def town_create(territory, **changes) -> str:
    options = {
        "slug": "pully",
        "name": "Pully",
        "ofs_number": 5590,
        "canton": "VD",
        "territory": territory,
        "languages": "fr,de,it,en",
        "modules": "permits,mobility",
        "contact_email": "greffe@pully.example.ch",
        "admin_email": "Anne.Admin@Pully.example.ch",
        "admin_name": "Anne Admin",
    } | changes
    out = StringIO()
    call_command(
        "town_create",
        *[f"--{name.replace('_', '-')}={value}" for name, value in options.items()],
        stdout=out,
    )
    return out.getvalue()


def everything() -> tuple:
    """What the command may write: towns, accounts, roles, audit entries."""
    with scopes_disabled():
        return (
            sorted(Municipality.objects.values_list("slug", "name", "canton", "modules")),
            sorted(User.objects.values_list("email", flat=True)),
            sorted(Membership.objects.values_list("user__email", "municipality__slug", "role")),
            AuditEntry.objects.count(),
        )


def test_the_town_and_its_administrator_who_chooses_a_password_from_the_mail(
    db, client, territory, smtp_server, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        out = town_create(territory)
    # then: the town as given, its territory in LV95 (about 2 x 2 km)
    town = Municipality.objects.get(slug="pully")
    assert (town.name, town.ofs_number, town.canton) == ("Pully", 5590, "VD")
    assert town.languages == ["fr", "de", "it", "en"] and town.modules == ["permits", "mobility"]
    assert town.territory.srid == 2056 and 3.5e6 < town.territory.area < 4.5e6
    assert "Pully: /pully/" in out and "anne.admin@pully.example.ch" in out
    # and its administrator, without a password until they choose one
    admin = User.objects.get(email="anne.admin@pully.example.ch")
    assert admin.kind == User.Kind.STAFF and not admin.has_usable_password()
    with scopes_disabled():
        assert list(Membership.objects.filter(user=admin).values_list("municipality", "role")) == [
            (town.pk, Role.MUNICIPALITY_ADMIN)
        ]
    assert {e.action for e in AuditEntry.objects.all()} == {"create", "staff_create", "role_grant"}
    # and the mail's link lets them choose it
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "anne.admin@pully.example.ch"
    assert message["Subject"] == "Votre compte du personnel pour Pully"
    page = client.get(path_of(link_in(smtp_server.text_of(message))), follow=True)
    assert page.context["validlink"]
    new = "le-mot-de-passe-d-anne"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    admin.refresh_from_db()
    assert admin.check_password(new)


def test_running_it_twice_says_the_town_exists_and_changes_nothing(
    db, territory, smtp_server, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        town_create(territory)
    assert len(smtp_server.wait_for(1)) == 1
    before = everything()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        out = town_create(territory)
    # then
    assert out.strip() == "The town Pully (/pully/) exists: nothing changed."
    assert everything() == before
    assert len(smtp_server.wait_for(2, timeout=1)) == 1  # no second welcome


def test_a_taken_address_name_is_refused(db, town_b, territory, smtp_server):
    # given: Lutry is at /lutry/
    before = everything()
    # when
    with pytest.raises(CommandError) as refused:
        town_create(territory, slug="lutry")
    # then
    assert str(refused.value) == "--slug: The address name lutry is taken by Lutry."
    assert everything() == before


def test_a_taken_ofs_number_is_refused(db, town_b, territory):
    before = everything()
    with pytest.raises(CommandError) as refused:
        town_create(territory, ofs_number=town_b.ofs_number)
    assert str(refused.value).startswith("--ofs-number: ")
    assert everything() == before


def test_a_bad_canton_is_refused_with_the_list(db, territory):
    before = everything()
    with pytest.raises(CommandError) as refused:
        town_create(territory, canton="XY")
    assert str(refused.value).splitlines() == [
        "--canton: Value 'XY' is not a valid choice.",
        "Cantons: AG, AI, AR, BE, BL, BS, FR, GE, GL, GR, JU, LU, NE, NW, OW, SG, SH, SO, SZ, "
        "TG, TI, UR, VD, VS, ZG, ZH",
    ]
    assert everything() == before


def test_an_unknown_module_is_refused_with_the_list(db, territory):
    before = everything()
    with pytest.raises(CommandError) as refused:
        town_create(territory, modules="permits,parking")
    lines = str(refused.value).splitlines()
    assert lines[0] == "--modules: Unknown modules: parking"
    assert lines[1].startswith("Modules: permits, mobility, agenda")
    assert everything() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"languages": "fr,xx"}, "--languages: Give languages among fr, de, it, en"),
        ({"admin_email": "anne@"}, "--admin-email: Enter a valid email address."),
        ({"admin_name": " "}, "--admin-name: Enter the person's name."),
        ({"contact_email": "greffe"}, "--contact-email: Enter a valid email address."),
    ],
)
def test_other_bad_values_are_refused_and_nothing_is_saved(db, territory, changes, message):
    before = everything()
    with pytest.raises(CommandError) as refused:
        town_create(territory, **changes)
    assert str(refused.value).startswith(message)
    assert everything() == before


@pytest.mark.parametrize(
    "content",
    [
        "not a geographic file",
        json.dumps({"type": "FeatureCollection", "features": []}),
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Point", "coordinates": [6.6, 46.5]},
                    }
                ],
            }
        ),
    ],
)
def test_a_territory_that_is_no_boundary_is_refused(db, tmp_path, content):
    path = tmp_path / "territory.geojson"
    path.write_text(content)
    with pytest.raises(CommandError) as refused:
        town_create(path)
    assert str(refused.value).startswith("--territory: Give a GeoJSON, shapefile or GeoPackage")
    assert not Municipality.objects.exists()


def test_a_missing_territory_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError) as refused:
        town_create(tmp_path / "nowhere.geojson")
    assert str(refused.value).startswith("--territory: ")
