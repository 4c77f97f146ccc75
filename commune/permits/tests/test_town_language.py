"""Texts the services store for officers (routing reasons, findings) do not take the language the
applicant submitted in: they are written out in each reader's language."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from commune.accounts.tests.factories import UserFactory
from commune.permits.models import PermitRequest, RoutingRule
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .factories import town_settings
from .test_views import form_data

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def test_a_german_speaking_applicants_submission_reads_in_french_to_the_town(client, town_a):
    # given: Pully speaks French first; its roads department reviews every request
    assert town_a.default_language == "fr"
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10)
        roads = DepartmentFactory(municipality=town_a, code="roads", name="Routes")
        RoutingRule.objects.create(municipality=town_a, department=roads)
    applicant = UserFactory(language="de")
    client.force_login(applicant)
    client.cookies["commune_language"] = "de"
    start = timezone.localdate() + dt.timedelta(days=3)
    # when: they submit in German, too late for the notice period
    response = client.post(
        "/pully/permits/new/",
        form_data(
            town_a,
            planned_start=start.isoformat(),
            planned_end=(start + dt.timedelta(days=2)).isoformat(),
        ),
    )
    # then: the request ran in German, yet the town's French readers read French
    assert response.status_code == 302
    assert response.wsgi_request.LANGUAGE_CODE == "de"
    with scope(town_a):
        permit = PermitRequest.objects.get()
        task = permit.tasks.get()
        finding = permit.findings.get(kind="notice")
    with translation.override("fr"):
        assert "préavise" in task.reason_text
        assert "jours ouvrables" in finding.text
    with translation.override("de"):
        assert "nimmt zu jedem Gesuch Stellung" in task.reason_text
        assert "Arbeitstage" in finding.text
