import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commune.core.models import AuditEntry
from commune.permits.models import PermitRequest, ReviewTask, RoutingRule, StandardCondition
from commune.permits.services.decision import permit_grant, permit_refuse
from commune.permits.services.review import (
    complement_answer,
    complement_request,
    review_answer,
    review_clocks_run,
)
from commune.permits.services.submission import permit_submit

from .conftest import MONDAY, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


@pytest.fixture
def in_review(in_town, settings_a, applicant, roads):
    """A request submitted on Monday 4 May 2026, reviewed by the roads (due Tue 19 May)."""
    RoutingRule.objects.create(municipality=in_town, department=roads)
    return permit_submit(
        permit=draft(in_town, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )


def _task(permit) -> ReviewTask:
    return permit.tasks.get(status="open")


def test_favourable_opinions_on_a_routine_request_grant_it_automatically(in_review, roads_reviewer):
    review_answer(
        task=_task(in_review), reviewer=roads_reviewer, opinion="favourable", now=at(MONDAY)
    )
    in_review.refresh_from_db()
    assert in_review.status == PermitRequest.Status.GRANTED and in_review.is_routine


def test_a_condition_sends_the_request_to_the_officer_who_grants_with_it(
    in_town, in_review, roads_reviewer, officer
):
    condition = StandardCondition.objects.create(
        municipality=in_town, code="night", text="Pas de travaux entre 22h et 6h."
    )
    review_answer(
        task=_task(in_review),
        reviewer=roads_reviewer,
        opinion="conditions",
        conditions=[condition],
        now=at(MONDAY),
    )
    in_review.refresh_from_db()
    assert in_review.status == PermitRequest.Status.IN_REVIEW
    permit = permit_grant(
        permit=in_review, officer=officer, now=at(MONDAY), extra_conditions=["Balisage de nuit"]
    )
    texts = [c["text"] for c in permit.conditions]
    assert texts == ["Pas de travaux entre 22h et 6h.", "Balisage de nuit"]
    assert not permit.is_routine and permit.decided_by == officer


def test_with_conditions_needs_a_condition_and_unfavourable_needs_reasons(
    in_review, roads_reviewer
):
    with pytest.raises(ValidationError) as error:
        review_answer(
            task=_task(in_review), reviewer=roads_reviewer, opinion="conditions", now=at(MONDAY)
        )
    assert "conditions" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        review_answer(
            task=_task(in_review), reviewer=roads_reviewer, opinion="unfavourable", now=at(MONDAY)
        )
    assert "remark" in error.value.message_dict
    assert _task(in_review).status == ReviewTask.Status.OPEN


def test_refusal_needs_reasons(in_review, officer):
    # the roads have not answered: the officer says why deciding without them (issue 8)
    without_roads = "Moratoire connu, préavis inutile."
    with pytest.raises(ValidationError):
        permit_refuse(
            permit=in_review,
            officer=officer,
            reasons=" ",
            now=at(MONDAY),
            override_reason=without_roads,
        )
    permit = permit_refuse(
        permit=in_review,
        officer=officer,
        reasons="Moratoire",
        now=at(MONDAY),
        override_reason=without_roads,
    )
    assert permit.status == PermitRequest.Status.REFUSED


def test_a_complement_pauses_every_clock_until_the_applicant_answers(in_review, officer, applicant):
    # given a review due on Tuesday 19 May
    assert _task(in_review).due_date == dt.date(2026, 5, 19)
    # when the officer asks for a complement on Wednesday 6 May
    complement = complement_request(
        permit=in_review,
        officer=officer,
        question="Plan de signalisation ?",
        now=at(dt.date(2026, 5, 6)),
    )
    # then nothing is reminded or escalated while waiting, even long after the due date
    assert review_clocks_run(municipality=in_review.municipality, now=at(dt.date(2026, 6, 1))) == {
        "reminded": 0,
        "late": 0,
        "escalated": 0,
        "deemed": 0,
    }
    # when the applicant answers on Wednesday 13 May (5 working days later)
    complement_answer(
        complement=complement, applicant=applicant, answer="Ci-joint.", now=at(dt.date(2026, 5, 13))
    )
    # then the due date moves by 5 working days, over Ascension (14 May) and Whit Monday (25 May)
    task = _task(in_review)
    assert task.paused_days == 5
    assert task.due_date == dt.date(2026, 5, 27)
    in_review.refresh_from_db()
    assert in_review.status == PermitRequest.Status.IN_REVIEW


def test_reminder_before_then_late_notice_then_escalation(in_review):
    town = in_review.municipality
    # due Tuesday 19 May; reminder 2 working days before = Friday 15 May (14 is Ascension)
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 13)))["reminded"] == 0
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 15)))["reminded"] == 1
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 18)))["reminded"] == 0
    # the day after the due date: late notice to the service, not yet escalated
    late = review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 20)))
    assert late["late"] == 1 and late["escalated"] == 0
    # 2 working days late (Thursday 21 May): escalated to the officer, once
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 21)))["escalated"] == 1
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 22)))["escalated"] == 0
    assert AuditEntry.objects.filter(action="review_escalated").count() == 1
    task = _task(in_review)
    assert task.reminded_before_at and task.reminded_after_at and task.escalated_at


def test_a_silent_service_is_deemed_favourable_where_the_town_allows_it(in_review, settings_a):
    settings_a.deemed_consent = True
    settings_a.deemed_after_days = 5
    settings_a.save()
    town = in_review.municipality
    # due 19 May; 4 working days late on Monday 25 May? No: Whit Monday; Tuesday 26 May is 4
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 26)))["deemed"] == 0
    assert review_clocks_run(municipality=town, now=at(dt.date(2026, 5, 27)))["deemed"] == 1
    task = in_review.tasks.get()
    assert task.is_deemed and task.opinion == "favourable"
    in_review.refresh_from_db()
    assert in_review.status == PermitRequest.Status.GRANTED  # routine once deemed


def test_without_deemed_consent_a_silent_service_stays_open(in_review):
    review_clocks_run(municipality=in_review.municipality, now=at(dt.date(2026, 7, 1)))
    assert _task(in_review).status == ReviewTask.Status.OPEN


def test_the_periodic_job_runs_the_clocks_and_mails_reviewers_in_their_language(
    in_review, roads_reviewer, smtp_server, django_capture_on_commit_callbacks
):
    from commune.permits.tasks import permit_clocks_tick

    roads_reviewer.language = "de"
    roads_reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = permit_clocks_tick.call(now=at(dt.date(2026, 5, 15)).isoformat())
    assert result["reminded"] == 1
    messages = smtp_server.wait_for(1)
    assert [m["To"] for m in messages] == [roads_reviewer.email]
    assert in_review.reference in messages[0]["Subject"]
