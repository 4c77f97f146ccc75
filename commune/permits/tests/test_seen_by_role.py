"""Everything collected is shown to whoever needs it (issue 8): the traffic police reviewing a
full closure see the closure, the diversion and its plans; the officer's file page and the
services' review page carry the site manager's emergency phone, the contact phone and the
invoicing address; the public never reads a phone or an address."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits.models import PermitRequest
from commune.permits.tests.factories import AttachmentFactory, ReviewTaskFactory, draft
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Department
from commune.tenants.scoping import scope

Status = PermitRequest.Status
DIVERSION = "Déviation par l'avenue de Lavaux et le chemin du Port."
EMERGENCY_PHONE = "+41 79 555 12 34"
CONTACT_PHONE = "+41 21 721 00 00"
INVOICING = "Romande Energie SA, Rue de Lausanne 53, 1110 Morges"


def _member(town, role, department=None):
    user = UserFactory(kind="staff")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def closure(town_a):
    """A full closure of the road under review by the traffic police, with a diversion plan."""
    with scope(town_a):
        police = Department.objects.create(municipality=town_a, code="police", name="Police")
        permit = draft(
            town_a,
            road_closure="full",
            diversion=DIVERSION,
            site_manager_phone=EMERGENCY_PHONE,
            contact_phone=CONTACT_PHONE,
            invoice_address=INVOICING,
            road_category="collector",
            status=Status.GRANTED,
            planned_start=dt.date(2026, 6, 1),
            planned_end=dt.date(2026, 6, 5),
            reference="PLY-2026-0042",
        )
        plan = AttachmentFactory(municipality=town_a, permit=permit, name="deviation.pdf")
        task = ReviewTaskFactory(municipality=town_a, permit=permit, department=police)
    return {
        "permit": permit,
        "plan": plan,
        "task": task,
        "police": _member(town_a, Role.SERVICE_REVIEWER, police),
        "officer": _member(town_a, Role.PERMIT_OFFICER),
    }


def _has_everything(page: str) -> None:
    assert "Route entièrement fermée" in page
    assert DIVERSION.replace("'", "&#x27;") in page
    assert "deviation.pdf" in page
    assert EMERGENCY_PHONE in page and CONTACT_PHONE in page
    assert INVOICING in page
    assert "Route collectrice" in page


def test_the_officers_file_page_shows_everything_collected(closure, staff_client):
    permit = closure["permit"]
    page = staff_client(closure["officer"]).get(f"/pully/permits/staff/{permit.pk}/")
    assert page.status_code == 200
    _has_everything(page.content.decode())


def test_the_traffic_police_review_a_full_closure_with_its_diversion_and_plan(
    closure, staff_client
):
    http = staff_client(closure["police"])

    review = http.get(f"/pully/permits/staff/tasks/{closure['task'].pk}/")

    assert review.status_code == 200
    _has_everything(review.content.decode())
    # and the plan itself opens for them
    permit, plan = closure["permit"], closure["plan"]
    document = http.get(f"/pully/permits/{permit.pk}/files/{plan.pk}/")
    assert document.status_code == 200


@pytest.mark.clock  # the public map shows works around today
def test_the_public_never_reads_a_phone_or_the_invoicing_address(town_a, client):
    with scope(town_a):
        permit = work(
            town_a,
            road_closure="full",
            diversion=DIVERSION,
            site_manager_phone=EMERGENCY_PHONE,
            contact_phone=CONTACT_PHONE,
            invoice_address=INVOICING,
        )
    for url in ("/pully/works/", "/pully/works/works.geojson"):
        body = client.get(url).content.decode()
        assert permit.reference in body, url  # the works are shown ...
        for secret in (EMERGENCY_PHONE, CONTACT_PHONE, INVOICING, "Romande Energie"):
            assert secret not in body, (url, secret)  # ... never how to reach or bill them


def test_another_towns_staff_see_nothing_of_the_file(closure, town_b, staff_client):
    other = _member(town_b, Role.PERMIT_OFFICER)
    response = staff_client(other).get(f"/lutry/permits/staff/{closure['permit'].pk}/")
    assert response.status_code == 404
