import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commune.core.models import AuditEntry
from commune.permits.models import Finding, PermitRequest, RoutingRule
from commune.permits.services.submission import permit_submit, reference_prefix

from .conftest import MONDAY, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock


def test_reference_prefix_is_the_towns_initial_and_consonants():
    assert reference_prefix("pully") == "PLY"
    assert reference_prefix("lutry") == "LTR"


def test_submit_numbers_the_request_per_town_and_year(in_town, settings_a, applicant):
    # given two drafts
    first, second = draft(in_town, applicant=applicant), draft(in_town, dx=900, applicant=applicant)
    # when both are submitted
    permit_submit(permit=first, applicant=applicant, now=at(MONDAY))
    permit_submit(permit=second, applicant=applicant, now=at(MONDAY))
    # then they are numbered in order
    first.refresh_from_db(), second.refresh_from_db()
    assert first.reference == "PLY-2026-0001"
    assert second.reference == "PLY-2026-0002"


def test_submitting_twice_changes_nothing_the_second_time(in_town, settings_a, applicant):
    permit = draft(in_town, applicant=applicant)
    permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    assert PermitRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action="submit").count() == 1


def test_a_quiet_small_request_without_reviewers_is_granted_with_no_human_step(
    in_town, settings_a, applicant
):
    # given no routing rule and a 8 m² area, no closure, notice respected
    permit = draft(in_town, applicant=applicant)
    # when submitted
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    # then it is granted by the system, with fees
    assert permit.status == PermitRequest.Status.GRANTED
    assert permit.is_routine and permit.decided_by is None
    assert permit.fee_total > 0 and permit.deposit >= settings_a.deposit_minimum
    assert AuditEntry.objects.filter(action="routine_grant", actor=None).exists()


def test_a_full_closure_goes_to_a_person(in_town, settings_a, applicant):
    permit = draft(in_town, applicant=applicant, road_closure="full")
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    assert permit.status == PermitRequest.Status.IN_REVIEW
    assert not permit.is_routine


def test_short_notice_is_flagged_not_refused(in_town, settings_a, applicant):
    # given works starting 3 working days after the request (the town asks for 10)
    permit = draft(
        in_town,
        applicant=applicant,
        planned_start=MONDAY + dt.timedelta(days=3),
        planned_end=MONDAY + dt.timedelta(days=5),
    )
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    assert permit.notice_respected is False
    assert permit.findings.filter(kind=Finding.Kind.NOTICE).exists()
    assert permit.status == PermitRequest.Status.IN_REVIEW


def test_an_emergency_may_start_at_once_and_is_regularised_within_48_hours(
    in_town, settings_a, applicant
):
    permit = draft(
        in_town, applicant=applicant, is_emergency=True, planned_start=MONDAY, planned_end=MONDAY
    )
    permit = permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    assert permit.regularise_by == at(MONDAY) + dt.timedelta(hours=48)
    assert permit.findings.filter(kind=Finding.Kind.EMERGENCY).exists()
    assert permit.status == PermitRequest.Status.IN_REVIEW


def test_works_in_the_past_are_refused_with_a_message_and_nothing_changes(
    in_town, settings_a, applicant
):
    permit = draft(
        in_town,
        applicant=applicant,
        planned_start=MONDAY - dt.timedelta(days=7),
        planned_end=MONDAY,
    )
    with pytest.raises(ValidationError) as error:
        permit_submit(permit=permit, applicant=applicant, now=at(MONDAY))
    assert "planned_start" in error.value.message_dict
    permit.refresh_from_db()
    assert permit.status == PermitRequest.Status.DRAFT and permit.reference == ""


def test_routing_rule_by_kind_sends_the_request_to_review(in_town, settings_a, applicant, roads):
    RoutingRule.objects.create(municipality=in_town, department=roads, kind="water")
    permit = permit_submit(
        permit=draft(in_town, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )
    assert permit.status == PermitRequest.Status.IN_REVIEW
    task = permit.tasks.get()
    assert task.department == roads and task.reason == "kind"
    # 10 working days after Monday 4 May 2026, Ascension (Thursday 14 May) does not count
    assert task.due_date == dt.date(2026, 5, 19)
