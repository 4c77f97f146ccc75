"""The officer's queue says which finding a file has (a conflict, the notice, a moratorium, an
emergency), not "conflict or notice", and extension requests are among the exceptions; the
routing reason reads "Type de travaux : Eau", not "Type de travaux: type de travaux" (issue 8)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from commune.accounts.tests.factories import MembershipFactory
from commune.permits.models import ExtensionRequest, RoutingRule
from commune.permits.services.submission import permit_submit
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import draft, town_settings

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

EXCEPTIONS = "/pully/permits/staff/?view=exceptions"


def _row(page: str, reference: str) -> str:
    match = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(reference)}(?:(?!</tr>).)*</tr>", page, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def officer_client(town_a, staff_client):
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10, conflict_distance_m=50)
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    return staff_client(officer)


def test_the_queue_names_each_finding(town_a, applicant, officer_client):
    with scope(town_a):
        first = permit_submit(
            permit=draft(town_a, applicant=applicant, w=30, h=30),
            applicant=applicant,
            now=at(MONDAY),
        )
        second = permit_submit(
            permit=draft(town_a, applicant=applicant, dx=140, w=30, h=30),
            applicant=applicant,
            now=at(MONDAY),
        )
        late = permit_submit(
            permit=draft(
                town_a,
                applicant=applicant,
                dx=900,
                planned_start=MONDAY + dt.timedelta(days=3),
                planned_end=MONDAY + dt.timedelta(days=5),
            ),
            applicant=applicant,
            now=at(MONDAY),
        )
    page = officer_client.get(EXCEPTIONS).content.decode()
    for conflicting in (first, second):
        row = _row(page, conflicting.reference)
        assert 'data-finding="conflict"' in row and 'data-finding="notice"' not in row
    row = _row(page, late.reference)
    assert 'data-finding="notice"' in row and 'data-finding="conflict"' not in row
    assert "conflict or notice" not in page and "conflit ou préavis" not in page


def test_an_extension_request_is_among_the_exceptions(town_a, officer_client):
    with scope(town_a):
        permit = work(town_a, start=dt.date(2030, 6, 3))
    assert permit.reference not in officer_client.get(EXCEPTIONS).content.decode()
    with scope(town_a):
        ExtensionRequest.objects.create(
            municipality=town_a, permit=permit, new_end=dt.date(2030, 7, 1), reason="Rocher"
        )
    row = _row(officer_client.get(EXCEPTIONS).content.decode(), permit.reference)
    assert "data-extension" in row


def test_the_routing_reason_names_the_kind_once(town_a, applicant, officer_client):
    with scope(town_a):
        water = DepartmentFactory(municipality=town_a, code="water", name="Eaux")
        RoutingRule.objects.create(municipality=town_a, department=water, kind="water")
        permit = permit_submit(
            permit=draft(town_a, applicant=applicant, kind="water"),
            applicant=applicant,
            now=at(MONDAY),
        )
    page = officer_client.get(f"/pully/permits/staff/{permit.pk}/").content.decode()
    assert "Type de travaux: Eau" in page
    assert "Type de travaux: type de travaux" not in page
