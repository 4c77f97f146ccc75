import dataclasses
import datetime as dt
import functools
from decimal import Decimal

import pytest
from django.utils import translation

from commune.permits import workflow
from commune.permits.models import PermitRequest, ReviewTask

RULES = workflow.RoutineRules(
    enabled=True, max_area_m2=Decimal("20"), max_closure="none", pavement_closure_allowed=False
)


def facts(**overrides) -> workflow.RoutineFacts:
    base = dict(
        area_m2=8.0,
        road_closure="none",
        pavement_closure=False,
        is_emergency=False,
        notice_respected=True,
        blocking_findings=0,
        opinions=["favourable"],
        open_tasks=0,
    )
    return workflow.RoutineFacts(**{**base, **overrides})


def test_every_state_in_the_table_is_a_status():
    states = {s for pair in workflow.TRANSITIONS for s in pair}
    assert states <= set(PermitRequest.Status.values)
    assert set(workflow.S) == set(PermitRequest.Status.values)


def test_applicant_submits_a_draft_but_cannot_grant_it():
    assert workflow.allowed("draft", "submitted", actor=workflow.APPLICANT)
    assert not workflow.allowed("in_review", "granted", actor=workflow.APPLICANT)
    assert workflow.allowed("in_review", "granted", actor=workflow.OFFICER)


def test_a_closed_file_goes_nowhere():
    for actor in (workflow.APPLICANT, workflow.OFFICER, workflow.SYSTEM):
        assert workflow.next_states("closed", actor=actor) == []


def test_check_raises_on_a_move_not_in_the_table():
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.check("refused", "granted", actor=workflow.OFFICER)


def test_complement_pause_is_answered_by_the_applicant_only():
    assert workflow.allowed("complement_requested", "in_review", actor=workflow.APPLICANT)
    assert not workflow.allowed("complement_requested", "in_review", actor=workflow.OFFICER)


def test_small_quiet_request_with_favourable_opinions_is_routine():
    assert workflow.is_routine(facts(), RULES)
    assert workflow.is_routine(facts(opinions=[]), RULES)


@pytest.mark.parametrize(
    "override",
    [
        {"area_m2": 25.0},
        {"road_closure": "one_lane"},
        {"pavement_closure": True},
        {"is_emergency": True},
        {"notice_respected": False},
        {"blocking_findings": 1},
        {"opinions": ["favourable", "conditions"]},
        {"open_tasks": 1},
    ],
)
def test_any_exception_makes_a_request_not_routine(override):
    assert not workflow.is_routine(facts(**override), RULES)
    assert len(workflow.routine_obstacles(facts(**override), RULES)) == 1


def test_a_town_that_disabled_the_routine_path_grants_nothing_automatically():
    rules = workflow.RoutineRules(
        enabled=False, max_area_m2=Decimal("20"), max_closure="none", pavement_closure_allowed=False
    )
    assert not workflow.is_routine(facts(), rules)


@pytest.mark.parametrize(
    ("rules", "override", "reason"),
    [
        (
            dict(enabled=False),
            {},
            "la commune ne délivre aucune demande automatiquement",
        ),
        (
            {},
            {"area_m2": 20.01},
            "la zone de travaux dépasse la limite des demandes courantes",
        ),
        (
            {},
            {"road_closure": "full"},
            "la fermeture de route dépasse la limite des demandes courantes",
        ),
        ({}, {"pavement_closure": True}, "le trottoir est fermé"),
        ({}, {"is_emergency": True}, "les travaux urgents sont contrôlés par une personne"),
        ({}, {"notice_respected": False}, "le délai minimal de dépôt n'est pas respecté"),
        ({}, {"blocking_findings": 2}, "les vérifications ont trouvé des conflits"),
        ({}, {"open_tasks": 1}, "certains services n'ont pas encore répondu"),
        (
            {},
            {"opinions": ["favourable", "unfavourable"]},
            "les préavis ne sont pas tous favorables sans condition",
        ),
    ],
)
def test_the_officer_reads_why_a_request_is_not_routine_in_the_towns_language(
    rules, override, reason
):
    # given a town's routine limits and a request that exceeds one of them
    town_rules = dataclasses.replace(RULES, **rules)
    # when the officer's page (in French) lists the obstacles
    with translation.override("fr"):
        obstacles = workflow.routine_obstacles(facts(**override), town_rules)
    # then it is that one, in words
    assert obstacles == [reason]


def test_a_work_area_exactly_at_the_routine_limit_is_still_routine():
    # given a limit of 20 m²: a request of 20.00 m² is within it, 20.01 m² is not
    assert workflow.is_routine(facts(area_m2=20.0), RULES)
    assert not workflow.is_routine(facts(area_m2=20.01), RULES)


def test_each_person_is_offered_the_moves_the_table_gives_them_from_a_state():
    assert workflow.next_states("in_review", actor=workflow.OFFICER) == [
        "complement_requested",
        "granted",
        "refused",
        "abandoned",
    ]
    assert workflow.next_states("complement_requested", actor=workflow.OFFICER) == [
        "refused",
        "abandoned",
    ]
    assert workflow.next_states("in_review", actor=workflow.APPLICANT) == ["withdrawn"]
    assert workflow.next_states("submitted", actor=workflow.SYSTEM) == ["in_review", "granted"]


def test_a_refused_move_says_who_tried_what_for_the_logs_and_a_plain_message_for_the_user():
    # when the system (a background job) tries to grant a refused request
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.check("refused", "granted", actor=workflow.SYSTEM)
    # then the log says who tried which move, and the person sees a sentence in their language
    assert str(refused.value) == "system cannot move a request from refused to granted"
    with translation.override("fr"):
        assert refused.value.message == (
            "Cette action n'est pas possible dans l'état actuel de la demande."
        )


def test_a_decision_before_every_opinion_needs_the_officers_reason():
    assert workflow.decision_needs_override(open_tasks=2)
    assert workflow.decision_needs_override(open_tasks=1)
    assert not workflow.decision_needs_override(open_tasks=0)


def test_every_review_status_the_workflow_names_is_a_task_status():
    named = {workflow.TASK_OPEN, workflow.TASK_SUPERSEDED} | workflow.TASK_ROUTED
    assert named <= set(ReviewTask.Status.values)


def test_a_permit_is_valid_from_its_first_to_its_last_day_both_included():
    first, last = dt.date(2026, 9, 1), dt.date(2026, 9, 6)
    on = functools.partial(workflow.validity_on, first_day=first, last_day=last)
    assert on(dt.date(2026, 8, 31)) == workflow.NOT_YET_VALID
    assert on(first) == workflow.VALID
    assert on(last) == workflow.VALID
    assert on(dt.date(2026, 9, 7)) == workflow.EXPIRED


def test_a_step_of_the_works_is_not_declared_before_the_one_it_follows():
    start = dt.datetime(2026, 9, 2, 8, tzinfo=dt.UTC)
    assert workflow.declared_in_order(previous=None, at=start)
    assert workflow.declared_in_order(previous=start, at=start)
    assert not workflow.declared_in_order(previous=start, at=start - dt.timedelta(seconds=1))


def test_a_complement_is_overdue_only_after_its_last_day():
    due = dt.date(2026, 6, 5)
    assert not workflow.complement_overdue(due, today=due)
    assert workflow.complement_overdue(due, today=due + dt.timedelta(days=1))
    assert not workflow.complement_overdue(None, today=dt.date(2030, 1, 1))
