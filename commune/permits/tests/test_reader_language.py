"""Findings and routing reasons are stored as sentence keys with parameters and written out in
the reader's language, dates in the reader's locale, whatever language the checks ran in."""

import datetime as dt
import json

import pytest
from django.utils import translation

from commune.accounts.tests.factories import MembershipFactory, OrganisationFactory, add_member
from commune.permits.models import Finding, ResurfacedStreet, ReviewTask, RoutingRule
from commune.permits.services.routing import review_task_add
from commune.permits.services.submission import permit_submit
from commune.permits.services.tokens import api_token_create
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import at
from .factories import api_payload, draft, rect, town_settings

#: Tuesday after Whit Monday 2026: works from Monday 1 June start with too little notice.
TUESDAY = dt.date(2026, 5, 26)


@pytest.fixture
def checked_in_french(town_a, applicant):
    """Pully (French first): a request is submitted and checked while French is active. It
    starts too soon, digs where other works are planned from 1 to 5 June 2026 and crosses a
    street resurfaced until 1 September 2029; three services review it, one added by hand."""
    with scope(town_a):
        settings = town_settings(town_a, minimum_notice_days=10, conflict_distance_m=50)
        roads = DepartmentFactory(municipality=town_a, code="roads", name="Routes")
        telecom = DepartmentFactory(municipality=town_a, code="telecom", name="Réseaux")
        parks = DepartmentFactory(municipality=town_a, code="parks", name="Parcs")
        RoutingRule.objects.create(municipality=town_a, department=roads)
        RoutingRule.objects.create(municipality=town_a, department=telecom, kind="telecom")
        ResurfacedStreet.objects.create(
            municipality=town_a,
            name="Avenue de Lavaux",
            geometry=rect(town_a, 90, 95, w=100, h=12),
            resurfaced_on=dt.date(2024, 9, 1),
            moratorium_until=dt.date(2029, 9, 1),
        )
        officer = MembershipFactory(
            municipality=town_a, role="permit_officer", user__full_name="Anne Rochat"
        ).user
        with translation.override("fr"):
            permit_submit(
                permit=draft(town_a, applicant=applicant), applicant=applicant, now=at(TUESDAY)
            )
            permit = permit_submit(
                permit=draft(town_a, dx=124, applicant=applicant, kind="telecom"),
                applicant=applicant,
                now=at(TUESDAY),
            )
            review_task_add(
                permit=permit, department=parks, officer=officer, settings=settings, today=TUESDAY
            )
    return permit, officer


def test_the_checks_store_keys_and_parameters_not_sentences(town_a, checked_in_french):
    # given a request checked while French was active
    permit, _officer = checked_in_french
    with scope(town_a):
        conflict = permit.findings.get(kind=Finding.Kind.CONFLICT)
        task = permit.tasks.get(reason=ReviewTask.Reason.MANUAL)
    # then the rows hold what is needed to write the sentence, and no French sentence
    assert conflict.message == ""
    assert conflict.message_key == "finding.conflict"
    assert conflict.message_params["start"] == "2026-06-01"
    assert conflict.message_params["end"] == "2026-06-05"
    assert task.reason_detail == ""
    assert task.reason_parts == [{"key": "routing.manual", "params": {"name": "Anne Rochat"}}]


def test_a_german_reader_sees_french_checked_findings_and_reasons_in_german(
    town_a, checked_in_french, staff_client
):
    # given a request checked while French was active, and an officer who reads German
    permit, officer = checked_in_french
    client = staff_client(officer)
    client.cookies["commune_language"] = "de"
    # when the officer opens the file
    response = client.get(f"/pully/permits/staff/{permit.pk}/")
    # then the findings and the reasons are German, the dates written the German way
    assert response.status_code == 200
    page = response.content.decode()
    assert "Die Arbeiten beginnen weniger als 10 Arbeitstage nach dem Gesuch." in page
    assert "sind in der Nähe vom 1. Juni 2026 bis 5. Juni 2026 geplant." in page
    assert (
        "Avenue de Lavaux hat einen neuen Belag; keine Grabung vor dem 1. September 2029." in page
    )
    assert "nimmt zu jedem Gesuch Stellung" in page
    assert "Art der Arbeiten: Telekommunikation" in page
    assert "hinzugefügt von Anne Rochat" in page
    assert "1 juin 2026" not in page and "jours ouvrables" not in page
    # and the map's findings, built for the same page, are German too
    messages = [
        f["properties"]["message"]
        for f in json.loads(response.context["findings_geojson"])["features"]
    ]
    assert any("vom 1. Juni 2026 bis 5. Juni 2026" in m for m in messages)


def test_the_same_file_reads_in_french_for_a_french_reader(town_a, checked_in_french, staff_client):
    # given the same request, and an officer who reads French
    permit, officer = checked_in_french
    client = staff_client(officer)
    client.cookies["commune_language"] = "fr"
    # when the officer opens the file
    page = client.get(f"/pully/permits/staff/{permit.pk}/").content.decode()
    # then the same rows are written out in French
    assert "1 juin 2026" in page and "1. Juni 2026" not in page
    assert "ajouté par Anne Rochat" in page


def test_the_applicant_reads_the_findings_in_their_own_language(
    client, town_a, applicant, checked_in_french
):
    # given a request checked while French was active, by an applicant who reads Italian
    permit, _officer = checked_in_french
    client.force_login(applicant)
    client.cookies["commune_language"] = "it"
    # when they open their request
    response = client.get(f"/pully/permits/{permit.pk}/")
    # then its findings are in Italian, with Italian dates
    assert response.status_code == 200
    page = response.content.decode()
    assert "sono previsti nelle vicinanze dal 1 Giugno 2026 al 5 Giugno 2026." in page
    assert "1 juin 2026" not in page


def test_a_row_stored_as_text_before_keys_still_displays(town_a, applicant, staff_client):
    # given a finding and a task written before sentences were kept as keys (text only)
    with scope(town_a):
        roads = DepartmentFactory(municipality=town_a, code="roads", name="Routes")
        permit = draft(town_a, applicant=applicant, status="in_review", reference="PLY-2026-0007")
        Finding.objects.create(
            municipality=town_a,
            permit=permit,
            kind=Finding.Kind.NOTICE,
            message="Les travaux commencent moins de 10 jours ouvrables après la demande.",
        )
        ReviewTask.objects.create(
            municipality=town_a,
            permit=permit,
            department=roads,
            reason=ReviewTask.Reason.ALWAYS,
            reason_detail="préavise toutes les demandes",
            due_date=dt.date(2026, 6, 1),
        )
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    client = staff_client(officer)
    client.cookies["commune_language"] = "de"
    # when a German reader opens the file
    page = client.get(f"/pully/permits/staff/{permit.pk}/").content.decode()
    # then the stored texts are shown as they were stored
    assert "Les travaux commencent moins de 10 jours ouvrables après la demande." in page
    assert "préavise toutes les demandes" in page


def test_the_api_answers_with_findings_in_the_requests_language(town_a, applicant, client):
    # given Pully's roads, works planned near by from 3 to 7 June 2030 and a utility's token
    with scope(town_a):
        town_settings(town_a, conflict_distance_m=50)
        with translation.override("fr"):
            permit_submit(
                permit=draft(
                    town_a,
                    applicant=applicant,
                    planned_start=dt.date(2030, 6, 3),
                    planned_end=dt.date(2030, 6, 7),
                ),
                applicant=applicant,
                now=at(dt.date(2030, 4, 1)),
            )
        org = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1")
        add_member(org, applicant, manager=True)
        _token, raw = api_token_create(organisation=org, manager=applicant, name="SIG")
    area = json.loads(rect(town_a, 124, 100, 4, 2).transform(4326, clone=True).json)
    body = api_payload(
        town_a, work_areas=area, planned_start="2030-06-03", planned_end="2030-06-07"
    )

    def post(language):
        return client.post(
            "/api/v1/pully/permits/requests",
            data=json.dumps(body),
            content_type="application/json",
            headers={
                "Authorization": f"Bearer {raw}",
                "Idempotency-Key": "fibre-1",
                "Accept-Language": language,
            },
        )

    # when the utility submits in French, then asks again for the same request in German
    created = post("fr")
    again = post("de")
    # then the request was checked once, and each answer is in the language it was asked in
    assert created.status_code == 201, created.content
    assert again.status_code == 200
    [conflict_fr] = [f for f in created.json()["findings"] if f["kind"] == "conflict"]
    [conflict_de] = [f for f in again.json()["findings"] if f["kind"] == "conflict"]
    assert "du 3 juin 2030 au 7 juin 2030" in conflict_fr["message"]
    assert "vom 3. Juni 2030 bis 7. Juni 2030 geplant" in conflict_de["message"]
    assert conflict_de["label"] == "Konflikt mit anderen Arbeiten"
