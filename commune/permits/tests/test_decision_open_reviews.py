"""Deciding while services still review (issue 8): the officer may grant or refuse a file whose
reviews are not all in only by saying why; the open reviews are then closed (they leave the
services' task lists), each service is told by e-mail, and the file's history keeps the reason.
Without the reason nothing changes and the officer is told what is missing."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits.models import PermitRequest, ReviewTask
from commune.permits.tests.factories import ReviewTaskFactory, town_settings
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Department
from commune.tenants.scoping import scope

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
REASON = "Chantier urgent de la conduite principale, les services ont été consultés par oral."


def _member(town, role, department=None, language="fr"):
    user = UserFactory(kind="staff", language=language)
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def closed_road(town_a):
    """A request closing the road fully, in review by the police, the roads and the parks; the
    roads have answered, the police and the parks have not."""
    with scope(town_a):
        town_settings(town_a)
        names = {"police": "Police", "roads": "Routes", "parks": "Parcs et jardins"}
        departments = {
            code: Department.objects.create(municipality=town_a, code=code, name=name)
            for code, name in names.items()
        }
        permit = work(
            town_a, status=Status.IN_REVIEW, start=dt.date(2026, 9, 1), road_closure="full"
        )
        tasks = {
            code: ReviewTaskFactory(municipality=town_a, permit=permit, department=department)
            for code, department in departments.items()
        }
        tasks["roads"].status = ReviewTask.Status.ANSWERED
        tasks["roads"].opinion = ReviewTask.Opinion.FAVOURABLE
        tasks["roads"].save()
    return {
        "town": town_a,
        "permit": permit,
        "tasks": tasks,
        "officer": _member(town_a, Role.PERMIT_OFFICER),
        "police": _member(town_a, Role.SERVICE_REVIEWER, departments["police"]),
        "parks": _member(town_a, Role.SERVICE_REVIEWER, departments["parks"], language="de"),
    }


def _decide(http, permit, **data):
    return http.post(f"/pully/permits/staff/{permit.pk}/decide/", data, follow=True)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _statuses(file) -> dict[str, str]:
    with scope(file["town"]):
        return {code: ReviewTask.objects.get(pk=t.pk).status for code, t in file["tasks"].items()}


def test_the_decision_form_names_the_services_that_have_not_answered(closed_road, staff_client):
    http = staff_client(closed_road["officer"])

    page = _text(http.get(f"/pully/permits/staff/{closed_road['permit'].pk}/"))

    assert "Ces services n'ont pas encore répondu : Police, Parcs et jardins." in page
    assert 'name="override_reason"' in page


@pytest.mark.parametrize("decision", ["grant", "refuse"])
def test_deciding_with_open_reviews_without_a_reason_says_so_and_changes_nothing(
    closed_road, staff_client, decision
):
    # given a file the police and the parks have not answered
    http = staff_client(closed_road["officer"])

    # when the officer decides without saying why
    response = _decide(http, closed_road["permit"], decision=decision, text="Motifs.")

    # then they are told why nothing happened, and nothing did
    assert response.status_code == 200
    assert (
        "Police, Parcs et jardins n'ont pas encore donné leur préavis : indiquez pourquoi vous "
        "décidez sans l'attendre." in _text(response)
    )
    with scope(closed_road["town"]):
        assert PermitRequest.objects.get(pk=closed_road["permit"].pk).status == Status.IN_REVIEW
    assert _statuses(closed_road) == {"police": "open", "roads": "answered", "parks": "open"}


@pytest.mark.parametrize(
    ("decision", "status"), [("grant", Status.GRANTED), ("refuse", Status.REFUSED)]
)
def test_deciding_with_a_reason_closes_the_open_reviews_and_tells_their_services(
    closed_road, staff_client, smtp_server, django_capture_on_commit_callbacks, decision, status
):
    # given a file the police and the parks have not answered
    permit = closed_road["permit"]
    http = staff_client(closed_road["officer"])

    # when the officer decides anyway, saying why
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(http, permit, decision=decision, text="Motifs.", override_reason=REASON)

    # then the file is decided, the open reviews are closed, the answered one stays
    assert response.status_code == 200
    with scope(closed_road["town"]):
        assert PermitRequest.objects.get(pk=permit.pk).status == status
    assert _statuses(closed_road) == {
        "police": "superseded",
        "roads": "answered",
        "parks": "superseded",
    }
    # the history of the file says so, with the reason
    page = _text(http.get(f"/pully/permits/staff/{permit.pk}/"))
    assert "décision prise sans le préavis de tous les services" in page
    assert REASON in page
    assert "Police, Parcs et jardins" in page
    # each service is told, in its reviewer's language (with the applicant: three mails)
    messages = smtp_server.wait_for(3)
    to_services = {m["To"]: m for m in messages if m["To"] != permit.applicant.email}
    assert set(to_services) == {closed_road["police"].email, closed_road["parks"].email}
    police = smtp_server.text_of(to_services[closed_road["police"].email])
    assert (
        f"La demande {permit.reference} a été tranchée sans le préavis de votre service" in police
    )
    assert REASON in police
    parks = to_services[closed_road["parks"].email]
    assert f"Das Gesuch {permit.reference} wurde ohne die Stellungnahme" in smtp_server.text_of(
        parks
    )
    assert permit.reference in parks["Subject"]


def test_a_review_closed_by_the_decision_leaves_the_services_task_list(
    closed_road, staff_client, django_capture_on_commit_callbacks
):
    # given the police's task list shows the file
    permit = closed_road["permit"]
    police = staff_client(closed_road["police"])
    assert permit.reference in police.get("/pully/permits/staff/?view=mine").content.decode()

    # when the officer grants it with a reason
    officer = staff_client(closed_road["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        _decide(officer, permit, decision="grant", override_reason=REASON)

    # then the police's task list no longer shows it, and the review takes no answer
    police = staff_client(closed_road["police"])
    assert permit.reference not in police.get("/pully/permits/staff/?view=mine").content.decode()
    task = closed_road["tasks"]["police"]
    answer = police.post(f"/pully/permits/staff/tasks/{task.pk}/", {"opinion": "favourable"})
    assert answer.status_code == 400
    assert _statuses(closed_road)["police"] == "superseded"


def test_a_file_every_service_answered_is_decided_without_a_reason(closed_road, staff_client):
    # given every service answered
    with scope(closed_road["town"]):
        ReviewTask.objects.filter(permit=closed_road["permit"]).update(
            status=ReviewTask.Status.ANSWERED, opinion=ReviewTask.Opinion.FAVOURABLE
        )
    http = staff_client(closed_road["officer"])

    # when the officer grants it, no reason given
    page = http.get(f"/pully/permits/staff/{closed_road['permit'].pk}/").content.decode()
    _decide(http, closed_road["permit"], decision="grant")

    # then the form asked for none and the permit is granted
    assert 'name="override_reason"' not in page
    with scope(closed_road["town"]):
        assert PermitRequest.objects.get(pk=closed_road["permit"].pk).status == Status.GRANTED
