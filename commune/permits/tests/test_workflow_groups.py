"""The groups of states and what each person may do in each state, defined once in workflow.py
and asked by the services, selectors, views and templates: their values, state by state (pure,
no database)."""

from __future__ import annotations

import pytest

from commune.permits import workflow
from commune.permits.models import PermitRequest

ALL = set(PermitRequest.Status.values)


def test_the_groups_hold_these_states():
    assert workflow.EDITABLE == {"draft"}
    assert workflow.SUBMITTED == ALL - {"draft"}
    assert workflow.UNDER_REVIEW == {"in_review", "complement_requested"}
    assert workflow.PAUSED == {"complement_requested"}
    assert workflow.CLOCKS_RUN == {"in_review"}
    assert workflow.AWAITING_DECISION == {"submitted", "in_review"}
    assert workflow.ACTIVE == {
        "submitted",
        "in_review",
        "complement_requested",
        "granted",
        "works_started",
    }
    assert workflow.AUTHORISES_WORKS == {"granted", "works_started"}
    assert workflow.ONGOING == {"works_started", "works_ended", "inspected_defects"}
    assert workflow.PUBLIC == {
        "granted",
        "works_started",
        "works_ended",
        "reinstated",
        "inspected_defects",
    }
    assert workflow.ISSUED == workflow.PUBLIC | {"closed"}
    assert workflow.FINAL == {"closed", "refused", "withdrawn", "abandoned"}
    assert workflow.OPEN == ALL - workflow.FINAL
    assert workflow.SUPPLEMENTABLE == workflow.ACTIVE
    assert workflow.EXTENDABLE == workflow.AUTHORISES_WORKS
    assert workflow.TASK_ROUTED == {"open", "answered", "superseded"}
    assert workflow.TASK_SHOWN_TO_APPLICANT == {"open", "answered"}


def test_every_group_is_made_of_states():
    groups = [value for name, value in vars(workflow).items() if name.isupper()]
    for group in groups:
        if isinstance(group, frozenset) and not group <= {"open", "answered", "superseded"}:
            assert group <= ALL, group


def test_sources_are_the_states_a_move_starts_from():
    assert workflow.sources("granted", actor=workflow.OFFICER) == {"in_review"}
    assert workflow.sources("granted", actor=workflow.SYSTEM) == {"submitted", "in_review"}
    assert workflow.sources("works_ended", actor=workflow.APPLICANT) == {"works_started"}
    assert workflow.sources("withdrawn", actor=workflow.OFFICER) == frozenset()


#: state -> what the applicant's page offers.
APPLICANT = {
    "draft": {"edit", "submit", "withdraw"},
    "submitted": {"supplement", "withdraw"},
    "in_review": {"supplement", "withdraw"},
    "complement_requested": {"answer_complement", "supplement", "withdraw"},
    "granted": {"start_works", "supplement", "extend", "withdraw"},
    "refused": set(),
    "works_started": {"end_works", "supplement", "extend"},
    "works_ended": {"declare_reinstated"},
    "reinstated": set(),
    "inspected_defects": {"declare_reinstated"},
    "closed": set(),
    "withdrawn": set(),
    "abandoned": set(),
}


@pytest.mark.parametrize("status", sorted(ALL))
def test_what_the_applicant_may_do_in_each_state(status):
    assert workflow.applicant_actions(status) == APPLICANT[status]


#: state -> what an officer's page offers (besides answering extensions, always); the road
#: category is corrected under review and after the grant until the file closes.
OFFICER = {
    "submitted": {"abandon", "correct_category"},
    "in_review": {"add_service", "decide", "ask_complement", "abandon", "correct_category"},
    "complement_requested": {"add_service", "decide", "abandon", "correct_category"},
    "granted": {"abandon", "correct_category"},
    "works_started": {"abandon", "correct_category"},
    "works_ended": {"abandon", "correct_category"},
    "reinstated": {"inspect", "abandon", "correct_category"},
    "inspected_defects": {"abandon", "correct_category"},
}


@pytest.mark.parametrize("status", sorted(ALL))
def test_what_an_officer_may_do_in_each_state(status):
    actions = workflow.staff_actions(status, is_officer=True, may_inspect=True)
    assert actions == OFFICER.get(status, set()) | {"decide_extension"}


@pytest.mark.parametrize("status", sorted(ALL))
def test_a_reviewer_inspects_only_when_the_town_says_so_and_does_nothing_else(status):
    inspector = workflow.staff_actions(status, is_officer=False, may_inspect=True)
    other = workflow.staff_actions(status, is_officer=False, may_inspect=False)
    assert inspector == ({"inspect"} if status == "reinstated" else set())
    assert other == set()


def test_what_may_be_done_with_a_services_review():
    actions = workflow.task_actions
    assert actions("open", "in_review", mine=True, is_officer=True) == {"answer", "remove"}
    assert actions("open", "complement_requested", mine=True, is_officer=False) == {"answer"}
    assert actions("open", "granted", mine=True, is_officer=False) == set()
    assert actions("open", "granted", mine=False, is_officer=True) == {"remove"}
    assert actions("open", "in_review", mine=False, is_officer=False) == set()
    for closed in ("answered", "cancelled"):
        assert actions(closed, "in_review", mine=True, is_officer=True) == set()


def test_the_officer_decides_in_review_and_only_refuses_while_waiting_for_the_applicant():
    decisions = {status: workflow.officer_decisions(status) for status in ALL}
    assert {status: d for status, d in decisions.items() if d} == {
        "in_review": ("grant", "refuse"),
        "complement_requested": ("refuse",),
    }


def test_the_queues_badges():
    assert workflow.ready_for_decision("in_review", open_tasks=0)
    assert not workflow.ready_for_decision("in_review", open_tasks=1)
    assert not workflow.ready_for_decision("complement_requested", open_tasks=0)
    assert not workflow.ready_for_decision("submitted", open_tasks=0)
    assert workflow.works_overdue("works_started", flagged=True)
    assert not workflow.works_overdue("works_started", flagged=False)
    assert not workflow.works_overdue("works_ended", flagged=True)
    assert not workflow.works_overdue("granted", flagged=True)


def test_the_clocks_pause_while_the_town_waits_for_the_applicant():
    paused = {status for status in ALL if workflow.clocks_paused(status)}
    assert paused == {"complement_requested"}
