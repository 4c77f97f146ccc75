"""The permit's state machine: one table of allowed transitions and pure guard functions.

Nothing here touches the database, so the rules are tested on their own. Each transition is
carried out by exactly one service (services/), which calls `check()` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

S = "draft submitted in_review complement_requested granted refused works_started works_ended \
reinstated inspected_defects closed withdrawn".split()

APPLICANT = "applicant"
OFFICER = "officer"
REVIEWER = "reviewer"
SYSTEM = "system"

#: (from, to) → who may make that move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("draft", "submitted"): frozenset({APPLICANT}),
    ("draft", "withdrawn"): frozenset({APPLICANT}),
    ("submitted", "in_review"): frozenset({SYSTEM}),
    ("submitted", "granted"): frozenset({SYSTEM}),
    ("submitted", "withdrawn"): frozenset({APPLICANT}),
    ("in_review", "complement_requested"): frozenset({OFFICER}),
    ("in_review", "granted"): frozenset({OFFICER, SYSTEM}),
    ("in_review", "refused"): frozenset({OFFICER}),
    ("in_review", "withdrawn"): frozenset({APPLICANT}),
    ("complement_requested", "in_review"): frozenset({APPLICANT}),
    ("complement_requested", "withdrawn"): frozenset({APPLICANT}),
    ("granted", "works_started"): frozenset({APPLICANT}),
    ("granted", "withdrawn"): frozenset({APPLICANT}),
    ("works_started", "works_ended"): frozenset({APPLICANT}),
    ("works_ended", "reinstated"): frozenset({APPLICANT}),
    ("reinstated", "inspected_defects"): frozenset({OFFICER, REVIEWER}),
    ("reinstated", "closed"): frozenset({OFFICER, REVIEWER}),
    ("inspected_defects", "reinstated"): frozenset({APPLICANT}),
}

#: States in which the applicant may still add documents (supplement, never edit).
SUPPLEMENTABLE = {"submitted", "in_review", "complement_requested", "granted", "works_started"}
#: States in which the works may be extended.
EXTENDABLE = {"granted", "works_started"}


class TransitionNotAllowed(Exception):
    """The requested move is not in the table for this actor."""

    def __init__(self, current: str, target: str, actor: str):
        self.current, self.target, self.actor = current, target, actor
        super().__init__(f"{actor} cannot move a request from {current} to {target}")

    @property
    def message(self) -> str:
        return str(_("This action is not possible in the request's current state."))


def allowed(current: str, target: str, *, actor: str) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())


def check(current: str, target: str, *, actor: str) -> None:
    if not allowed(current, target, actor=actor):
        raise TransitionNotAllowed(current, target, actor)


def next_states(current: str, *, actor: str) -> list[str]:
    return [to for (frm, to), who in TRANSITIONS.items() if frm == current and actor in who]


CLOSURE_ORDER = {"none": 0, "one_lane": 1, "full": 2}


@dataclass(frozen=True)
class RoutineRules:
    """What a town calls routine (from PermitSettings)."""

    enabled: bool
    max_area_m2: Decimal
    max_closure: str
    pavement_closure_allowed: bool


@dataclass(frozen=True)
class RoutineFacts:
    """What is known about one request when deciding whether it is routine."""

    area_m2: float
    road_closure: str
    pavement_closure: bool
    is_emergency: bool
    notice_respected: bool
    blocking_findings: int
    opinions: list[str] = field(default_factory=list)  # opinion of every non-cancelled task
    open_tasks: int = 0


def routine_obstacles(facts: RoutineFacts, rules: RoutineRules) -> list[str]:
    """Why a request is NOT routine (empty list: it is). Pure: used by the automatic grant
    and shown to the officer."""
    reasons: list[str] = []
    if not rules.enabled:
        reasons.append(str(_("the town grants no request automatically")))
    if Decimal(str(facts.area_m2)) > rules.max_area_m2:
        reasons.append(str(_("the work area is larger than the routine limit")))
    if CLOSURE_ORDER[facts.road_closure] > CLOSURE_ORDER[rules.max_closure]:
        reasons.append(str(_("the road closure exceeds the routine limit")))
    if facts.pavement_closure and not rules.pavement_closure_allowed:
        reasons.append(str(_("the pavement is closed")))
    if facts.is_emergency:
        reasons.append(str(_("emergency works are checked by a person")))
    if not facts.notice_respected:
        reasons.append(str(_("the minimum notice is not respected")))
    if facts.blocking_findings:
        reasons.append(str(_("the checks found conflicts")))
    if facts.open_tasks:
        reasons.append(str(_("some services have not answered yet")))
    if any(op != "favourable" for op in facts.opinions):
        reasons.append(str(_("not every opinion is favourable without conditions")))
    return reasons


def is_routine(facts: RoutineFacts, rules: RoutineRules) -> bool:
    return not routine_obstacles(facts, rules)
