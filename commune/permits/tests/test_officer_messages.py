"""The officer's actions confirm with a message (issue 8): deciding an extension says what was
decided, and deciding it a second time says that nothing changed (and changes nothing)."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits.models import ExtensionRequest, PermitRequest
from commune.permits.services.works import extension_request
from commune.permits.tests.factories import draft
from commune.tenants.scoping import scope

Status = PermitRequest.Status


def _officer(town):
    user = UserFactory(kind="staff")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=Role.PERMIT_OFFICER)
    return user


@pytest.fixture
def extension(town_a):
    with scope(town_a):
        permit = draft(
            town_a,
            status=Status.GRANTED,
            reference="PLY-2026-0090",
            planned_start=dt.date(2026, 6, 1),
            planned_end=dt.date(2026, 6, 5),
        )
        return extension_request(
            permit=permit, applicant=permit.applicant, new_end=dt.date(2026, 6, 12), reason="Roche"
        )


def _decide(http, extension, accept: str):
    return http.post(
        f"/pully/permits/staff/extensions/{extension.pk}/", {"accept": accept}, follow=True
    ).content.decode()


def test_accepting_an_extension_confirms_and_a_second_click_changes_nothing(
    town_a, extension, staff_client
):
    http = staff_client(_officer(town_a))

    assert "La prolongation est acceptée" in _decide(http, extension, "1")
    # a second click (or a refusal sent after) says so, and the extension stays accepted
    assert "Cette prolongation a déjà été décidée" in _decide(http, extension, "0")
    with scope(town_a):
        extension.refresh_from_db()
        assert extension.status == ExtensionRequest.Status.ACCEPTED


def test_refusing_an_extension_confirms(town_a, extension, staff_client):
    page = _decide(staff_client(_officer(town_a)), extension, "0")

    assert "La prolongation est refusée" in page
    with scope(town_a):
        extension.refresh_from_db()
        assert extension.status == ExtensionRequest.Status.REFUSED


def test_another_towns_officer_cannot_decide_it(town_a, town_b, extension, staff_client):
    response = staff_client(_officer(town_b)).post(
        f"/lutry/permits/staff/extensions/{extension.pk}/", {"accept": "1"}
    )

    assert response.status_code == 404
    with scope(town_a):
        extension.refresh_from_db()
        assert extension.status == ExtensionRequest.Status.PENDING


def test_removing_a_service_confirms_and_a_second_click_says_nothing_changed(town_a, staff_client):
    from commune.permits.models import ReviewTask
    from commune.permits.tests.factories import ReviewTaskFactory

    with scope(town_a):
        permit = draft(town_a, status=Status.IN_REVIEW, reference="PLY-2026-0091")
        task = ReviewTaskFactory(municipality=town_a, permit=permit)
        other = ReviewTaskFactory(municipality=town_a, permit=permit)
    http = staff_client(_officer(town_a))

    page = http.post(f"/pully/permits/staff/tasks/{task.pk}/remove/", follow=True)
    assert "Le service est retiré de ce préavis" in page.content.decode()
    page = http.post(f"/pully/permits/staff/tasks/{task.pk}/remove/", follow=True)
    assert "déjà clos" in page.content.decode()
    with scope(town_a):
        assert ReviewTask.objects.get(pk=task.pk).status == ReviewTask.Status.CANCELLED
        assert ReviewTask.objects.get(pk=other.pk).status == ReviewTask.Status.OPEN
