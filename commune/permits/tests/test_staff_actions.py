"""The town's side acts through services and access functions, not rules in views: a service is
added only while the review runs (whoever calls the service), the service that inspects the
works is a town setting (not the department whose code happens to be "roads"), and the file's
pages offer what the workflow allows to the person reading them, and nothing else."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits.models import Inspection, PermitRequest, PermitSettings, ReviewTask
from commune.permits.services.routing import review_task_add
from commune.permits.tests.factories import ReviewTaskFactory, town_settings
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Department
from commune.tenants.scoping import scope, scopes_disabled

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
JUNE = dt.date(2026, 6, 1)


def _member(town, role, department=None):
    user = UserFactory(kind="staff")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def services(town_a):
    """Pully's road maintenance ("voirie") inspects the works; a service whose code is "roads"
    (the traffic engineers) does not."""
    with scope(town_a):
        voirie = Department.objects.create(municipality=town_a, code="voirie", name="Voirie")
        roads = Department.objects.create(municipality=town_a, code="roads", name="Ingénieurs")
        town_settings(town_a, inspecting_department=voirie)
    return {
        "officer": _member(town_a, Role.PERMIT_OFFICER),
        "voirie": _member(town_a, Role.SERVICE_REVIEWER, voirie),
        "roads": _member(town_a, Role.SERVICE_REVIEWER, roads),
        "departments": {"voirie": voirie, "roads": roads},
    }


def _reinstated(town, departments):
    """A file whose street is restored, reviewed by both services."""
    with scope(town):
        permit = work(town, status=Status.REINSTATED, start=JUNE)
        for department in departments.values():
            ReviewTaskFactory(
                municipality=town,
                permit=permit,
                department=department,
                status=ReviewTask.Status.ANSWERED,
                opinion=ReviewTask.Opinion.FAVOURABLE,
            )
    return permit


def _inspect(http, permit):
    return http.post(f"/pully/permits/staff/{permit.pk}/inspect/", {"result": "accepted"})


# --- adding a service -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.GRANTED, Status.CLOSED])
def test_the_service_adds_no_review_outside_the_review(town_a, services, status):
    # given a file that is not (or no longer) in review
    with scope(town_a):
        permit = work(town_a, status=status, start=JUNE)
        settings = PermitSettings.objects.get()

        # when the officer's service is called to add a reviewing service anyway
        with pytest.raises(ValidationError):
            review_task_add(
                permit=permit,
                department=services["departments"]["roads"],
                officer=services["officer"],
                settings=settings,
                today=JUNE,
            )

        # then no review is made
        assert not ReviewTask.objects.filter(permit=permit).exists()


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.COMPLEMENT_REQUESTED])
def test_a_service_is_added_while_the_review_runs(town_a, services, staff_client, status):
    with scope(town_a):
        permit = work(town_a, status=status, start=JUNE)
    http = staff_client(services["officer"])
    roads = services["departments"]["roads"]

    response = http.post(f"/pully/permits/staff/{permit.pk}/services/", {"department": roads.pk})

    assert response.status_code == 302
    with scope(town_a):
        assert ReviewTask.objects.get(permit=permit).department == roads


def test_adding_a_service_to_a_granted_file_says_why_and_adds_nothing(
    town_a, services, staff_client
):
    with scope(town_a):
        permit = work(town_a, status=Status.GRANTED, start=JUNE)
    http = staff_client(services["officer"])
    roads = services["departments"]["roads"]

    response = http.post(
        f"/pully/permits/staff/{permit.pk}/services/", {"department": roads.pk}, follow=True
    )

    assert "Ce service ne peut pas être ajouté maintenant." in response.content.decode()
    with scope(town_a):
        assert not ReviewTask.objects.filter(permit=permit).exists()


# --- the inspection -------------------------------------------------------------------------


def test_the_service_the_town_names_inspects_and_closes_the_file(town_a, services, staff_client):
    # given a restored street, and the road maintenance named as the inspecting service
    permit = _reinstated(town_a, services["departments"])
    http = staff_client(services["voirie"])

    # when its reviewer records the inspection
    response = _inspect(http, permit)

    # then the file is closed
    assert response.status_code == 302
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.status == Status.CLOSED
        assert Inspection.objects.get(permit=permit).inspector == services["voirie"]


def test_a_service_coded_roads_does_not_inspect_unless_the_town_says_so(
    town_a, services, staff_client
):
    permit = _reinstated(town_a, services["departments"])
    http = staff_client(services["roads"])

    response = _inspect(http, permit)

    assert response.status_code == 403
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.status == Status.REINSTATED
        assert not Inspection.objects.exists()


def test_without_an_inspecting_service_only_the_officers_inspect(town_a, services, staff_client):
    # given a town that names no inspecting service
    with scope(town_a):
        PermitSettings.objects.update(inspecting_department=None)
    permit = _reinstated(town_a, services["departments"])

    # then no reviewer inspects, an officer does
    assert _inspect(staff_client(services["voirie"]), permit).status_code == 403
    assert _inspect(staff_client(services["officer"]), permit).status_code == 302
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.status == Status.CLOSED


def test_another_towns_service_cannot_be_named_the_inspector(town_a, town_b):
    with scope(town_b):
        theirs = Department.objects.create(municipality=town_b, code="voirie", name="Voirie")
    with scope(town_a):
        settings = town_settings(town_a)
        settings.inspecting_department = theirs
        with pytest.raises(ValidationError) as refused:
            settings.full_clean()
    assert "inspecting_department" in refused.value.error_dict


def test_the_migration_names_each_towns_roads_service_the_inspector(town_a, town_b):
    # given two towns' settings without an inspector, one town with a "roads" service
    migration = importlib.import_module("commune.permits.migrations.0007_inspecting_department")
    with scope(town_a):
        roads = Department.objects.create(municipality=town_a, code="roads", name="Routes")
        town_settings(town_a)
    with scope(town_b):
        Department.objects.create(municipality=town_b, code="parks", name="Parcs")
        town_settings(town_b)

    # when the data migration runs
    with scopes_disabled():
        migration.roads_inspect(apps, None)

        # then each town keeps who inspected before: its "roads" service, or the officers only
        named = dict(
            PermitSettings.objects.values_list("municipality_id", "inspecting_department_id")
        )
    assert named == {town_a.pk: roads.pk, town_b.pk: None}


# --- what the pages offer -------------------------------------------------------------------


def _page(http, permit) -> str:
    response = http.get(f"/pully/permits/staff/{permit.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_inspection_form_is_offered_to_whoever_may_inspect_only(town_a, services, staff_client):
    permit = _reinstated(town_a, services["departments"])
    form = 'id="inspection-title"'

    assert form in _page(staff_client(services["officer"]), permit)
    assert form in _page(staff_client(services["voirie"]), permit)
    assert form not in _page(staff_client(services["roads"]), permit)


def test_the_review_forms_are_offered_to_the_officer_while_the_review_runs(
    town_a, services, staff_client
):
    with scope(town_a):
        in_review = work(town_a, status=Status.IN_REVIEW, start=JUNE)
        waiting = work(town_a, status=Status.COMPLEMENT_REQUESTED, start=JUNE, dx=300)
        granted = work(town_a, status=Status.GRANTED, start=JUNE, dx=500)
    http = staff_client(services["officer"])
    decision, complement, service = (
        'id="decision-title"',
        'id="complement-title"',
        "/services/",
    )

    page = _page(http, in_review)
    assert decision in page and complement in page and service in page
    page = _page(http, waiting)
    # waiting for the applicant: the officer may refuse, not grant (issue 8)
    assert service in page and decision in page and complement not in page
    assert 'value="refuse"' in page and 'value="grant"' not in page
    page = _page(http, granted)
    assert service not in page and decision not in page and complement not in page


def test_a_permit_withdrawn_after_its_grant_offers_no_pdf_that_would_not_open(
    town_a, services, staff_client, client
):
    # given a granted permit the applicant withdrew (it keeps its decision date)
    with scope(town_a):
        permit = work(town_a, status=Status.WITHDRAWN, start=JUNE)
        PermitRequest.objects.filter(pk=permit.pk).update(
            decided_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
        )
    pdf = f"/pully/works/documents/{permit.pk}/permit.pdf"

    # then neither the applicant's page nor the officer's links to its PDF, which is a 404
    client.force_login(permit.applicant)
    applicant_page = client.get(f"/pully/permits/{permit.pk}/").content.decode()
    assert pdf not in applicant_page
    officer = staff_client(services["officer"])
    assert pdf not in _page(officer, permit)
    assert officer.get(pdf).status_code == 404
