"""The request's checks before it is submitted: minimum notice, moratoria and conflicts, as
submission would find them (the same services/checks.py), with htmx or without JS; nothing
is saved by checking."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.permits.models import PermitRequest, ResurfacedStreet, WorkArea
from commune.permits.services.submission import permit_submit
from commune.tenants.scoping import scope

from .conftest import MONDAY, at
from .factories import draft, rect, town_settings
from .test_views import form_data

pytestmark = pytest.mark.clock
HTMX = {"HX-Request": "true"}


def _verify(data):
    data = {**data, "verify": "1"}
    data.pop("submit", None)
    return data


@pytest.fixture
def checked_town(town_a, applicant, time_machine):
    """Town A on Monday 4 May 2026 (10 working days' notice), with a street under moratorium
    and someone else's works granted on it from Wednesday."""
    time_machine.move_to(at(MONDAY))
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10, conflict_distance_m=50)
        ResurfacedStreet.objects.create(
            municipality=town_a,
            name="Avenue de Lavaux",
            geometry=rect(town_a, 90, 95, w=100, h=12),
            resurfaced_on=dt.date(2024, 9, 1),
            moratorium_until=dt.date(2029, 9, 1),
        )
        other = draft(town_a, planned_start=dt.date(2026, 5, 6), planned_end=dt.date(2026, 5, 15))
        permit_submit(permit=other, applicant=other.applicant, now=at(MONDAY))
        # granted: the public works map shows it, so other applicants may be told of it
        PermitRequest.objects.filter(pk=other.pk).update(status=PermitRequest.Status.GRANTED)
        other.refresh_from_db()
    return town_a, other


def _request(town):
    """Works starting on Wednesday (2 working days' notice) on the street, by the other's."""
    return form_data(town, planned_start="2026-05-06", planned_end="2026-05-08")


def test_htmx_check_shows_notice_moratorium_and_conflict_and_saves_nothing(
    client, checked_town, applicant
):
    town, other = checked_town
    client.force_login(applicant)
    with scope(town):
        before = PermitRequest.objects.count(), WorkArea.objects.count()
    # when
    response = client.post("/pully/permits/new/", _verify(_request(town)), headers=HTMX)
    # then: the fragment names each finding, in French
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    kinds = {f.kind for f in response.context["checked"]}
    assert kinds == {"notice", "moratorium", "conflict", "coordination"}
    body = response.content.decode()
    assert "Avenue de Lavaux" in body
    assert other.reference in body
    assert "Délai minimal de dépôt non respecté" in body
    with scope(town):
        assert (PermitRequest.objects.count(), WorkArea.objects.count()) == before


def test_the_check_finds_what_the_submission_then_records(client, checked_town, applicant):
    town, _other = checked_town
    client.force_login(applicant)
    shown = client.post("/pully/permits/new/", _verify(_request(town)), headers=HTMX)
    assert client.post("/pully/permits/new/", _request(town)).status_code == 302
    with scope(town):
        submitted = PermitRequest.objects.exclude(pk=_other.pk).get()
        recorded = sorted(f.kind for f in submitted.findings.all())
    assert sorted(f.kind for f in shown.context["checked"]) == recorded


def test_without_js_the_check_button_shows_the_form_with_the_findings(
    client, checked_town, applicant
):
    town, _other = checked_town
    client.force_login(applicant)
    response = client.post("/pully/permits/new/", _verify(_request(town)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<form" in body and "Avenue de Lavaux" in body
    assert response.context["form"]["description"].value() == "Fibre optique"
    with scope(town):
        assert PermitRequest.objects.count() == 1  # the other's only


def test_a_request_without_findings_is_told_so(client, town_a, applicant, time_machine):
    time_machine.move_to(at(MONDAY))
    client.force_login(applicant)
    response = client.post("/pully/permits/new/", _verify(form_data(town_a)), headers=HTMX)
    assert response.status_code == 200
    assert response.context["checked"] == []
    assert "Les contrôles ne trouvent rien" in response.content.decode()


def test_checking_an_incomplete_request_lists_what_to_correct(client, town_a, applicant):
    client.force_login(applicant)
    data = _verify({**form_data(town_a), "description": ""})
    response = client.post("/pully/permits/new/", data, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'href="#id_description"' in body
    assert response.context["checked"] is None
