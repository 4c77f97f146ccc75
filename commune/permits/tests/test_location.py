"""Where the works are (issue 8): the permit stores the town's address nearest to its work
areas (within 100 m), else shows its LV95 coordinates; the lists, the iCal feed, the
verification page and the permit PDF name it; the data migration fills it for older files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone
from django.utils.html import escape
from icalendar import Calendar

from commune.accounts.tests.factories import MembershipFactory
from commune.permits import pdf
from commune.permits.models import Address, PermitRequest, WorkArea
from commune.permits.models.address import address_key
from commune.permits.public.verification import verify_url
from commune.permits.services.geometry import AreaSpec
from commune.permits.services.location import (
    MAX_DISTANCE_M,
    locations_backfill,
    permit_location_set,
)
from commune.permits.services.submission import permit_draft_save
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

from .factories import draft, origin, rect
from .test_pdf import pdf_text

Status = PermitRequest.Status


def address(town, label: str, dx: float, dy: float) -> Address:
    x, y = origin(town)
    return Address.objects.create(
        municipality=town,
        label=label,
        point=Point(x + dx, y + dy, srid=2056),
        search_key=address_key(label),
    )


def test_the_nearer_of_two_addresses_names_the_works(in_town):
    # given works at (100..104, 100..102) m, one address 10 m east, another 40 m west
    address(in_town, "Avenue de Lavaux 12", 114, 101)
    address(in_town, "Chemin de la Dôle 3", 60, 101)
    permit = draft(in_town, dx=100, dy=100)
    # when
    permit_location_set(permit=permit)
    # then
    permit.refresh_from_db()
    assert permit.location_label == "Avenue de Lavaux 12"
    assert permit.location_text == "Avenue de Lavaux 12"


def test_the_nearer_address_wins_whichever_is_listed_first(in_town):
    # given the same two addresses, the nearer one now to the west and first by label
    address(in_town, "Avenue de Lavaux 12", 150, 101)
    address(in_town, "Chemin de la Dôle 3", 95, 101)
    permit = draft(in_town, dx=100, dy=100)
    # when
    permit_location_set(permit=permit)
    # then
    assert permit.location_label == "Chemin de la Dôle 3"


def test_without_an_address_within_range_the_coordinates_are_shown(in_town):
    # given the only address lies farther than the range from the works
    address(in_town, "Grand-Rue 1", 104 + MAX_DISTANCE_M + 5, 101)
    permit = draft(in_town, dx=100, dy=100)
    # when
    permit_location_set(permit=permit)
    # then the label stays blank and the works' centre is written in LV95
    permit.refresh_from_db()
    assert permit.location_label == ""
    x, y = origin(in_town)
    east, north = f"{x + 102:,.0f}".replace(",", "'"), f"{y + 101:,.0f}".replace(",", "'")
    assert permit.location_text == f"{east} / {north}"


def test_an_address_just_within_range_still_names_the_works(in_town):
    # given an address 95 m east of the area's edge
    address(in_town, "Grand-Rue 1", 104 + MAX_DISTANCE_M - 5, 101)
    permit = draft(in_town, dx=100, dy=100)
    # when
    permit_location_set(permit=permit)
    # then
    assert permit.location_label == "Grand-Rue 1"


def test_the_address_the_applicant_picked_wins_over_a_nearer_one(in_town):
    # given
    address(in_town, "Avenue de Lavaux 12", 105, 101)
    picked = address(in_town, "Chemin de la Dôle 3", 130, 101)
    permit = draft(in_town, dx=100, dy=100)
    # when
    permit_location_set(permit=permit, address=picked)
    # then
    assert permit.location_label == "Chemin de la Dôle 3"


def test_another_towns_address_is_never_used(town_a, town_b):
    # given an address of town B that the applicant of town A would pick
    with scope(town_b):
        foreign = address(town_b, "Route de Lavaux 99", 100, 100)
    with scope(town_a):
        address(town_a, "Avenue de Lavaux 12", 110, 101)
        permit = draft(town_a, dx=100, dy=100)
        # when
        permit_location_set(permit=permit, address=foreign)
    # then
    assert permit.location_label == "Avenue de Lavaux 12"


def test_saving_the_draft_sets_the_address_and_moving_the_area_changes_it(in_town, applicant):
    # given two addresses 500 m apart
    address(in_town, "Avenue de Lavaux 12", 100, 100)
    address(in_town, "Chemin de la Dôle 3", 600, 100)
    data = {
        "site_manager_name": "Paulo Ferreira",
        "site_manager_phone": "+41 79 555 00 00",
        "invoice_address": "Case postale, 1001 Lausanne",
        "kind": "electricity",
        "description": "Pose d'un câble",
        "planned_start": timezone.localdate() + dt.timedelta(days=60),
        "planned_end": timezone.localdate() + dt.timedelta(days=64),
    }

    def spec(dx):
        polygon = rect(in_town, dx, 105)
        return AreaSpec(drawn=polygon, width_m=None, polygon=polygon)

    # when the draft is saved with an area by the first address
    permit = permit_draft_save(
        municipality=in_town, applicant=applicant, data=data, areas=[spec(100)]
    )
    # then
    assert PermitRequest.objects.get(pk=permit.pk).location_label == "Avenue de Lavaux 12"
    # when its area is moved by the second
    permit_draft_save(
        municipality=in_town, applicant=applicant, data=data, areas=[spec(600)], permit=permit
    )
    # then
    assert PermitRequest.objects.get(pk=permit.pk).location_label == "Chemin de la Dôle 3"


def test_the_migration_fills_the_location_of_older_files_in_every_town(town_a, town_b):
    # given a file of each town without a stored location, and a draft without any area
    with scope(town_a):
        address(town_a, "Avenue de Lavaux 12", 110, 101)
        older = draft(town_a, dx=100, dy=100)
        empty = draft(town_a)
        empty.areas.all().delete()
    with scope(town_b):
        address(town_b, "Route de Lavaux 99", 110, 101)
        other = draft(town_b, dx=100, dy=100)
    # when (outside any scope, as a migration runs)
    count = locations_backfill(
        permit_model=PermitRequest, area_model=WorkArea, address_model=Address
    )
    # then each town's file names its own town's address
    assert count == 2
    rows = dict(PermitRequest._base_manager.values_list("pk", "location_label"))
    assert rows[older.pk] == "Avenue de Lavaux 12"
    assert rows[other.pk] == "Route de Lavaux 99"
    assert rows[empty.pk] == ""


@pytest.fixture
def located(town_a):
    """A granted permit with one lane closed, by the Avenue de Lavaux 12."""
    with scope(town_a):
        address(town_a, "Avenue de Lavaux 12", 110, 101)
        permit = work(town_a, road_closure=PermitRequest.Closure.ONE_LANE)
        return permit_location_set(permit=permit)


def test_the_staff_queue_shows_the_street(staff_client, located, town_a):
    with scope(town_a):
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    response = staff_client(officer).get("/pully/permits/staff/")
    assert response.status_code == 200
    assert '<td data-field="location">Avenue de Lavaux 12</td>' in response.content.decode()


def test_the_applicants_list_shows_the_street_or_the_coordinates(client, located, town_a):
    # given a second file of the same applicant far from any address
    with scope(town_a):
        far = draft(town_a, dx=1500, dy=1500, applicant=located.applicant)
        permit_location_set(permit=far)
    client.force_login(located.applicant)
    # when
    body = client.get("/pully/permits/").content.decode()
    # then
    assert '<td data-field="location">Avenue de Lavaux 12</td>' in body
    assert f'<td data-field="location">{escape(far.location_text)}</td>' in body
    assert " / " in far.location_text


@pytest.mark.clock
def test_the_closures_calendar_gives_the_street_as_location(client, located):
    calendar = Calendar.from_ical(client.get("/pully/works/closures.ics").content)
    events = [e for e in calendar.walk("VEVENT") if located.reference in str(e["summary"])]
    assert [str(e["location"]) for e in events] == ["Avenue de Lavaux 12"]


@pytest.mark.clock
def test_the_verification_page_names_the_street(client, located):
    response = client.get(verify_url(located))
    assert response.status_code == 200
    assert '<dd data-field="location">Avenue de Lavaux 12</dd>' in response.content.decode()


@pytest.mark.clock
def test_the_permit_pdf_names_the_street(located, town_a):
    with scope(town_a):
        body = pdf.permit_pdf(permit=located, verify_url=verify_url(located), language="fr")
    assert "Avenue de Lavaux 12" in pdf_text(body)


def test_the_works_centre_is_the_centre_of_every_area(in_town):
    # given two areas 200 m apart and no address
    permit = draft(in_town, dx=100, dy=100)
    from .factories import area_add

    area_add(permit, in_town, 300, 100)
    # when
    permit_location_set(permit=permit)
    # then the point lies between them
    x, y = origin(in_town)
    assert permit.location_point.distance(Point(x + 202, y + 101, srid=2056)) < 1
    assert isinstance(permit.location_point, Point)
    assert not Polygon.from_bbox((x, y, x + 104, y + 102)).contains(permit.location_point)


@pytest.mark.clock
def test_the_public_list_of_works_names_the_street(client, located):
    body = client.get("/pully/works/").content.decode()
    assert '<td data-field="location">Avenue de Lavaux 12</td>' in body
