"""The staff workspace's map of files and statistics, and the permits' navigation links."""

import datetime as dt

import pytest
from django.utils import timezone

from commune.accounts.tests.factories import MembershipFactory
from commune.permits.models import PermitRequest, ReviewTask
from commune.permits.services.submission import permit_submit
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def _submitted(town, user, **fields):
    permit = draft(town, applicant=user, **fields)
    return permit_submit(permit=permit, applicant=user, now=at(MONDAY))


def test_the_map_of_files_lists_submitted_files_as_geojson_with_filters(
    staff_client, in_town, officer, applicant, settings_a
):
    # given: a water request submitted, a telecom one submitted, a draft
    water = _submitted(in_town, applicant, dx=100, kind="water")
    telecom = _submitted(in_town, applicant, dx=400, kind="telecom")
    hidden = draft(in_town, applicant=applicant, dx=700)
    client = staff_client(officer)

    # when: the officer opens the map and its GeoJSON, then filters by kind
    page = client.get("/pully/permits/staff/map/")
    everything = client.get("/pully/permits/staff/map.geojson").json()
    water_only = client.get("/pully/permits/staff/map.geojson?kind=water").json()

    # then: both files, never the draft; coordinates in WGS84; the filter applies
    assert page.status_code == 200
    body = page.content.decode()
    assert water.reference in body and telecom.reference in body
    refs = {f["properties"]["reference"] for f in everything["features"]}
    assert refs == {water.reference, telecom.reference}
    assert hidden.pk not in {f["properties"]["permit_id"] for f in everything["features"]}
    lng, lat = everything["features"][0]["geometry"]["coordinates"][0][0]
    assert 5 < lng < 11 and 45 < lat < 48
    assert [f["properties"]["reference"] for f in water_only["features"]] == [water.reference]


def test_the_map_and_stats_are_for_staff_only(client, in_town, applicant):
    client.force_login(applicant)
    assert client.get("/pully/permits/staff/map/").status_code in (302, 403)
    assert client.get("/pully/permits/staff/stats/").status_code in (302, 403)


def test_stats_give_median_review_days_per_service_and_the_routine_share(
    staff_client, in_town, officer, applicant, settings_a
):
    # given: water reviews answered after 2 and 4 days, one late open task, one routine grant
    water = DepartmentFactory(municipality=in_town, code="water", name="Eaux")
    reviewed = []
    for dx in (100, 400, 700):
        permit = _submitted(in_town, applicant, dx=dx, kind="water", road_closure="full")
        reviewed.append(
            ReviewTask.objects.create(
                municipality=in_town,
                permit=permit,
                department=water,
                reason="kind",
                due_date=MONDAY,
            )
        )
    now = timezone.now()
    for task, days in zip(reviewed[:2], (2, 4), strict=True):
        ReviewTask.objects.filter(pk=task.pk).update(
            status="answered",
            opinion="favourable",
            created_at=now - dt.timedelta(days=days),
            answered_at=now,
        )
    PermitRequest.objects.filter(pk=reviewed[0].permit_id).update(status="granted", decided_at=now)
    routine = _submitted(in_town, applicant, dx=1000, kind="telecom")
    assert routine.is_routine
    client = staff_client(officer)

    # when
    page = client.get("/pully/permits/staff/stats/")

    # then: median 3 days for water; 1 of 2 grants routine; the late task counted
    stats = page.context["stats"]
    assert stats["per_service"] == [{"service": "Eaux", "answers": 2, "median_days": 3.0}]
    assert (stats["granted"], stats["routine"]) == (2, 1)
    assert stats["late"] == [{"service": "Eaux", "n": 1}]
    counts = {row["status"]: row["n"] for row in stats["by_status"]}
    assert sum(counts.values()) == 4
    assert "50 %" in page.content.decode()


def test_town_navigation_shows_permits_links_and_the_queue_for_staff(
    client, staff_client, in_town, officer, applicant
):
    # given / when: a citizen and an officer open the town's home page
    client.force_login(applicant)
    citizen = client.get("/pully/").content.decode()
    staff = staff_client(officer).get("/pully/").content.decode()

    # then: both see the works page and "my requests"; only staff see the queue
    assert 'href="/pully/works/"' in citizen and 'href="/pully/permits/"' in citizen
    assert 'href="/pully/permits/staff/"' not in citizen
    assert 'href="/pully/permits/staff/"' in staff


def test_town_navigation_has_no_permits_links_without_the_module(client, in_town, applicant):
    in_town.modules = ["mobility"]
    in_town.save(update_fields=["modules"])
    client.force_login(applicant)
    body = client.get("/pully/").content.decode()
    assert "/pully/works/" not in body
    assert "/pully/permits/" not in body


def test_the_queue_links_to_the_map_and_the_statistics(staff_client, in_town, officer):
    body = staff_client(officer).get("/pully/permits/staff/").content.decode()
    assert 'href="/pully/permits/staff/map/"' in body
    assert 'href="/pully/permits/staff/stats/"' in body


def test_another_towns_staff_cannot_open_the_map(staff_client, in_town, town_b):
    with scope(town_b):
        foreign = MembershipFactory(municipality=town_b, role="permit_officer").user
    assert staff_client(foreign).get("/pully/permits/staff/map/").status_code == 403
