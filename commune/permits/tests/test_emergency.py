"""Emergency works (issue 8): on the public map and in the iCal feed from their submission
(marked as an emergency), their start declared at once by the applicant, and their 48-hour
regularisation watched by the periodic job (a reminder before, an escalation after, once each)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from commune.permits import workflow
from commune.permits.models import PermitRequest
from commune.permits.public.selectors import work_public_get, works_public
from commune.permits.services.attachments import permit_supplement
from commune.permits.services.decision import permit_grant
from commune.permits.services.emergency import emergency_start, emergency_watch_run
from commune.permits.services.submission import permit_submit
from commune.permits.tasks import permit_clocks_tick

from .conftest import MONDAY, ZURICH, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBMITTED_AT = at(MONDAY, 8)  # regularise by Wednesday 08:00


def _emergency(town, applicant, **fields) -> PermitRequest:
    fields.setdefault("planned_end", MONDAY + dt.timedelta(days=2))
    permit = draft(town, applicant=applicant, is_emergency=True, planned_start=MONDAY, **fields)
    return permit_submit(permit=permit, applicant=applicant, now=SUBMITTED_AT)


def test_the_regularisation_step_at_its_boundaries():
    due = dt.datetime(2026, 5, 6, 8, tzinfo=ZURICH)
    step = workflow.regularisation_step
    early = due - workflow.REGULARISE_REMINDER - dt.timedelta(seconds=1)
    assert step(regularise_by=due, now=early, reminded=False, escalated=False) is None
    window = due - workflow.REGULARISE_REMINDER
    assert step(regularise_by=due, now=window, reminded=False, escalated=False) == "remind"
    assert step(regularise_by=due, now=due, reminded=False, escalated=False) == "remind"
    assert step(regularise_by=due, now=due, reminded=True, escalated=False) is None
    late = due + dt.timedelta(seconds=1)
    assert step(regularise_by=due, now=late, reminded=False, escalated=False) == "escalate"
    assert step(regularise_by=due, now=late, reminded=True, escalated=True) is None


def test_an_emergency_is_public_at_once_and_marked_as_such(in_town, settings_a, applicant):
    permit = _emergency(in_town, applicant, road_closure="none")
    assert permit.status == Status.IN_REVIEW  # an emergency is never routine
    ordinary = permit_submit(
        permit=draft(in_town, applicant=applicant, dx=600, w=30, h=30),
        applicant=applicant,
        now=SUBMITTED_AT,
    )
    assert ordinary.status == Status.IN_REVIEW
    today = MONDAY
    shown = list(works_public(municipality=in_town, today=today).values_list("pk", flat=True))
    assert shown == [permit.pk]
    assert work_public_get(municipality=in_town, permit_id=permit.pk)["is_emergency"]
    assert work_public_get(municipality=in_town, permit_id=ordinary.pk) is None
    # the iCal feed has it too (no closure, but an emergency), marked as one
    feed = list(works_public(municipality=in_town, today=today, closures_only=True))
    assert [p.pk for p in feed] == [permit.pk]


def test_the_ical_feed_marks_the_emergency(client, town_a, applicant):
    from commune.tenants.scoping import scope  # noqa: PLC0415 - the test's own scope

    with scope(town_a):
        permit = _emergency(town_a, applicant, planned_end=dt.date(2100, 1, 1))
    calendar = Calendar.from_ical(client.get("/pully/works/closures.ics").content)
    (event,) = [e for e in calendar.walk("VEVENT") if permit.reference in str(e["SUMMARY"])]
    assert str(event["SUMMARY"]).startswith("Urgence")
    page = client.get("/pully/works/").content.decode()
    assert permit.reference in page and "Urgence" in page


def test_a_refused_emergency_leaves_the_public_map(in_town, settings_a, applicant, officer):
    from commune.permits.services.decision import permit_refuse  # noqa: PLC0415

    permit = _emergency(in_town, applicant)
    permit_refuse(permit=permit, officer=officer, reasons="Non.", now=SUBMITTED_AT)
    assert not works_public(municipality=in_town, today=MONDAY).exists()


def test_the_applicant_declares_the_start_and_the_grant_finds_the_works_under_way(
    in_town, settings_a, applicant, officer
):
    permit = _emergency(in_town, applicant)
    started = at(MONDAY, 9)
    emergency_start(permit=permit, applicant=applicant, now=started)
    emergency_start(permit=permit, applicant=applicant, now=at(MONDAY, 10))  # twice: no-op
    permit.refresh_from_db()
    assert permit.status == Status.IN_REVIEW and permit.works_started_at == started
    permit = permit_grant(
        permit=permit, officer=officer, now=at(MONDAY, 11), override_reason="Urgence."
    )
    assert permit.status == Status.WORKS_STARTED
    assert permit.works_started_at == started


def test_only_an_emergency_is_started_before_its_grant(in_town, settings_a, applicant):
    ordinary = permit_submit(
        permit=draft(in_town, applicant=applicant, w=30, h=30), applicant=applicant, now=at(MONDAY)
    )
    with pytest.raises(ValidationError):
        emergency_start(permit=ordinary, applicant=applicant, now=at(MONDAY))
    assert "start_emergency" not in workflow.applicant_actions(Status.IN_REVIEW)
    assert "start_emergency" in workflow.applicant_actions(Status.IN_REVIEW, is_emergency=True)
    assert "start_emergency" not in workflow.applicant_actions(
        Status.IN_REVIEW, is_emergency=True, started=True
    )


def test_the_job_reminds_then_escalates_once_each(
    in_town, settings_a, applicant, officer, smtp_server, django_capture_on_commit_callbacks
):
    permit = _emergency(in_town, applicant)
    assert permit.regularise_by == SUBMITTED_AT + dt.timedelta(hours=48)
    quiet = emergency_watch_run(
        municipality=in_town, now=permit.regularise_by - dt.timedelta(days=1)
    )
    assert quiet == {"emergency_reminded": 0, "emergency_escalated": 0}
    before = permit.regularise_by - dt.timedelta(hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        counts = emergency_watch_run(municipality=in_town, now=before)
        again = emergency_watch_run(municipality=in_town, now=before + dt.timedelta(hours=1))
    assert counts["emergency_reminded"] == 1 and again["emergency_reminded"] == 0
    (reminder,) = smtp_server.wait_for(1)
    assert reminder["To"] == applicant.email and permit.reference in reminder["Subject"]
    after = permit.regularise_by + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        counts = permit_clocks_tick.call(now=after.isoformat())
        again = permit_clocks_tick.call(now=(after + dt.timedelta(hours=1)).isoformat())
    assert counts["emergency_escalated"] == 1 and again["emergency_escalated"] == 0
    escalation = smtp_server.wait_for(2)[1]
    assert escalation["To"] == officer.email and permit.reference in escalation["Subject"]
    assert "n'a pas complété le dossier" in smtp_server.text_of(escalation)


def test_documents_added_regularise_the_emergency(in_town, settings_a, applicant):
    permit = _emergency(in_town, applicant)
    permit_supplement(
        permit=permit,
        user=applicant,
        uploads=[(SimpleUploadedFile("plan.pdf", PDF), "application/pdf")],
    )
    permit.refresh_from_db()
    assert permit.regularised_at is not None
    late = permit.regularise_by + dt.timedelta(hours=1)
    counts = emergency_watch_run(municipality=in_town, now=late)
    assert counts == {"emergency_reminded": 0, "emergency_escalated": 0}


def test_a_complement_answered_with_documents_regularises_the_emergency(
    in_town, settings_a, applicant, officer
):
    from commune.permits.services.review import (  # noqa: PLC0415 - this test's own steps
        complement_answer,
        complement_request,
    )

    permit = _emergency(in_town, applicant)
    complement = complement_request(
        permit=permit, officer=officer, question="Plan ?", now=at(MONDAY, 10)
    )
    complement_answer(
        complement=complement,
        applicant=applicant,
        answer="Ci-joint.",
        uploads=[(SimpleUploadedFile("plan.pdf", PDF), "application/pdf")],
        now=at(MONDAY, 11),
    )
    permit.refresh_from_db()
    assert permit.regularised_at is not None
