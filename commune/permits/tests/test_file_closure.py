"""The officer ends a file early (issue 8): any open file may be closed without follow-up, and a
request waiting for the applicant's complement may be refused, each with a reason the applicant
reads. The services whose review was still open are told and their review leaves their lists."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits.models import ComplementRequest, PermitRequest, ReviewTask
from commune.permits.public.verification import verify_token
from commune.permits.tests.factories import ReviewTaskFactory, town_settings
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Department
from commune.tenants.scoping import scope

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
START = dt.date(2026, 9, 1)
REASON = "Le requérant ne donne plus de nouvelles depuis deux mois."


def _member(town, role, department=None):
    user = UserFactory(kind="staff", language="fr")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def town(town_a):
    with scope(town_a):
        town_settings(town_a)
        police = Department.objects.create(municipality=town_a, code="police", name="Police")
    return {
        "town": town_a,
        "police_department": police,
        "officer": _member(town_a, Role.PERMIT_OFFICER),
        "police": _member(town_a, Role.SERVICE_REVIEWER, police),
    }


def _file(town, status, *, open_review=False):
    with scope(town["town"]):
        permit = work(town["town"], status=status, start=START)
        if open_review:
            ReviewTaskFactory(
                municipality=town["town"], permit=permit, department=town["police_department"]
            )
    return permit


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _status(town, permit) -> str:
    with scope(town["town"]):
        return PermitRequest.objects.get(pk=permit.pk).status


def _abandon(http, permit, reason=REASON):
    return http.post(f"/pully/permits/staff/{permit.pk}/abandon/", {"reason": reason}, follow=True)


def test_the_officer_closes_a_file_without_follow_up_and_everyone_concerned_is_told(
    town, staff_client, client, smtp_server, django_capture_on_commit_callbacks
):
    # given a file in review, the police's review still open
    permit = _file(town, Status.IN_REVIEW, open_review=True)
    http = staff_client(town["officer"])
    assert "Classer le dossier sans suite" in _text(http.get(f"/pully/permits/staff/{permit.pk}/"))

    # when the officer closes it, saying why
    with django_capture_on_commit_callbacks(execute=True):
        response = _abandon(http, permit)

    # then the file is closed, the police's review with it
    assert "Le dossier est classé sans suite." in _text(response)
    assert _status(town, permit) == "abandoned"
    with scope(town["town"]):
        assert ReviewTask.objects.get(permit=permit).status == "superseded"
    # the applicant and the police are told, the applicant with the reason
    messages = {m["To"]: m for m in smtp_server.wait_for(2)}
    assert set(messages) == {permit.applicant.email, town["police"].email}
    to_applicant = smtp_server.text_of(messages[permit.applicant.email])
    assert f"Votre demande {permit.reference} est classée sans suite par la commune." in (
        to_applicant
    )
    assert REASON in to_applicant
    # and the applicant's page says so, with the reason
    client.force_login(permit.applicant)
    page = _text(client.get(f"/pully/permits/{permit.pk}/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "dossier classé sans suite par la commune" in page
    assert REASON in page


def test_closing_a_file_needs_a_reason_and_changes_nothing_without_one(town, staff_client):
    permit = _file(town, Status.IN_REVIEW, open_review=True)
    http = staff_client(town["officer"])

    response = _abandon(http, permit, reason="  ")

    assert "Indiquez pourquoi le dossier est classé." in _text(response)
    assert _status(town, permit) == Status.IN_REVIEW
    with scope(town["town"]):
        assert ReviewTask.objects.get(permit=permit).status == "open"


@pytest.mark.parametrize("status", [Status.GRANTED, Status.WORKS_STARTED, Status.REINSTATED])
def test_a_granted_file_may_be_closed_too_and_its_permit_no_longer_verifies(
    town, staff_client, client, status
):
    permit = _file(town, status)
    http = staff_client(town["officer"])

    _abandon(http, permit)

    assert _status(town, permit) == "abandoned"
    client.logout()
    page = _text(client.get(f"/pully/works/verify/{verify_token(permit)}/"))
    assert "Ce dossier a été classé par la commune : il n'autorise aucun travail." in page
    assert "badge ok" not in page


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REFUSED, Status.WITHDRAWN])
def test_a_finished_file_is_not_closed_again(town, staff_client, status):
    permit = _file(town, status)
    http = staff_client(town["officer"])

    page = _text(http.get(f"/pully/permits/staff/{permit.pk}/"))
    response = _abandon(http, permit)

    assert "Classer le dossier sans suite" not in page
    assert "Cette action n'est pas possible dans l'état actuel de la demande." in _text(response)
    assert _status(town, permit) == status


def test_a_reviewer_does_not_close_a_file(town, staff_client):
    permit = _file(town, Status.IN_REVIEW, open_review=True)

    response = staff_client(town["police"]).post(
        f"/pully/permits/staff/{permit.pk}/abandon/", {"reason": REASON}
    )

    assert response.status_code == 403
    assert _status(town, permit) == Status.IN_REVIEW


def test_another_towns_file_is_not_found(town, town_b, staff_client):
    with scope(town_b):
        foreign = work(town_b, status=Status.IN_REVIEW, start=START)

    response = staff_client(town["officer"]).post(
        f"/pully/permits/staff/{foreign.pk}/abandon/", {"reason": REASON}
    )

    assert response.status_code == 404
    with scope(town_b):
        assert PermitRequest.objects.get(pk=foreign.pk).status == Status.IN_REVIEW


def test_a_request_waiting_for_its_complement_may_be_refused(
    town, staff_client, smtp_server, django_capture_on_commit_callbacks
):
    # given a request waiting for the applicant's complement
    permit = _file(town, Status.COMPLEMENT_REQUESTED)
    with scope(town["town"]):
        ComplementRequest.objects.create(
            municipality=town["town"],
            permit=permit,
            question="Plan de signalisation ?",
            asked_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
        )
    http = staff_client(town["officer"])
    page = _text(http.get(f"/pully/permits/staff/{permit.pk}/"))
    assert 'value="refuse"' in page and 'value="grant"' not in page

    # when the officer refuses it with reasons
    with django_capture_on_commit_callbacks(execute=True):
        http.post(
            f"/pully/permits/staff/{permit.pk}/decide/",
            {"decision": "refuse", "text": "Complément jamais fourni."},
        )

    # then it is refused and the applicant told why
    assert _status(town, permit) == Status.REFUSED
    [message] = smtp_server.wait_for(1)
    assert "Complément jamais fourni." in smtp_server.text_of(message)
