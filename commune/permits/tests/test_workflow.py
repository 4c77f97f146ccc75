from decimal import Decimal

import pytest

from commune.permits import workflow
from commune.permits.models import PermitRequest

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
