"""Texts the services store for officers (routing reasons, findings) are in the town's language,
whatever language the applicant submitted in."""

import datetime as dt

from django.utils import timezone

from commune.accounts.tests.factories import UserFactory
from commune.permits.models import PermitRequest, RoutingRule
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .factories import town_settings
from .test_views import form_data


def test_a_german_speaking_applicants_submission_stores_french_reasons_and_findings(client, town_a):
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
    # then: the request ran in German, but the stored texts are French
    assert response.status_code == 302
    assert response.wsgi_request.LANGUAGE_CODE == "de"
    with scope(town_a):
        permit = PermitRequest.objects.get()
        task = permit.tasks.get()
        finding = permit.findings.get(kind="notice")
    assert "préavise" in task.reason_detail
    assert "jours ouvrables" in finding.message
