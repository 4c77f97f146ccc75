"""The applicant is told, on their request's page, why it is not granted automatically (the
workflow's routine obstacles, in plain words) and when the decision is due (the last open
review's due date) — and nothing that hints at another party's works they may not know of."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.accounts.tests.factories import UserFactory
from commune.permits.models import Finding, PermitRequest
from commune.permits.tests.factories import ReviewTaskFactory, draft, town_settings
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

Status = PermitRequest.Status


@pytest.fixture
def request_in_review(town_a):
    """A full closure (beyond the routine limit of one lane) reviewed by two services, due on
    10 and 15 June."""
    with scope(town_a):
        town_settings(town_a, routine_enabled=True, routine_max_closure="one_lane")
        permit = draft(
            town_a,
            applicant=UserFactory(full_name="Luc Favre", language="fr"),
            road_closure="full",
            status=Status.IN_REVIEW,
            reference="PLY-2026-0077",
            notice_respected=True,
        )
        for code, due in (("roads", dt.date(2026, 6, 10)), ("police", dt.date(2026, 6, 15))):
            department = DepartmentFactory(municipality=town_a, code=code, name=code)
            ReviewTaskFactory(
                municipality=town_a, permit=permit, department=department, due_date=due
            )
    return permit


def _page(client, permit) -> str:
    client.force_login(permit.applicant)
    response = client.get(f"/pully/permits/{permit.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_applicant_reads_why_a_person_decides_and_by_when(request_in_review, client):
    page = _page(client, request_in_review)

    assert "Quand la commune décide" in page
    assert "15 juin 2026" in page  # the last open review's due date, not the first one's
    assert "la fermeture de route dépasse la limite des demandes courantes" in page
    assert "certains services n&#x27;ont pas encore répondu" in page


def test_a_conflict_the_applicant_may_not_know_of_is_not_hinted_at(
    town_a, request_in_review, client
):
    # given another party's request, still under review (the public map does not show it),
    # found in conflict with this one
    with scope(town_a):
        other = draft(town_a, status=Status.IN_REVIEW, reference="PLY-2026-0078")
        Finding.objects.create(
            municipality=town_a,
            permit=request_in_review,
            kind=Finding.Kind.CONFLICT,
            other_permit=other,
        )

    page = _page(client, request_in_review)

    # then the applicant's reasons say nothing of it (the staff's do)
    assert "conflits" not in page and "PLY-2026-0078" not in page
    assert "la fermeture de route dépasse la limite" in page


def test_once_decided_the_outlook_is_gone(town_a, request_in_review, client):
    with scope(town_a):
        PermitRequest.objects.filter(pk=request_in_review.pk).update(status=Status.GRANTED)

    assert "Quand la commune décide" not in _page(client, request_in_review)
