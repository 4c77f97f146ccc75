"""The permit's state machine: one table of allowed transitions and pure guard functions.

Nothing here touches the database, so the rules are tested on their own. Each transition is
carried out by exactly one service (services/), which calls `check()` first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

S = "draft submitted in_review complement_requested granted refused works_started works_ended \
reinstated inspected_defects closed withdrawn abandoned".split()

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
    # SYSTEM: an emergency whose works had started before its grant (emergency_start)
    ("granted", "works_started"): frozenset({APPLICANT, SYSTEM}),
    ("granted", "withdrawn"): frozenset({APPLICANT}),
    ("works_started", "works_ended"): frozenset({APPLICANT}),
    ("works_ended", "reinstated"): frozenset({APPLICANT}),
    ("reinstated", "inspected_defects"): frozenset({OFFICER, REVIEWER}),
    ("reinstated", "closed"): frozenset({OFFICER, REVIEWER}),
    ("inspected_defects", "reinstated"): frozenset({APPLICANT}),
    ("complement_requested", "refused"): frozenset({OFFICER}),
}
#: The officer closes any file the town has (not a draft) and that is still open without
#: follow-up, with a reason: abandoned by its applicant, or works that will not take place.
TRANSITIONS.update(
    {
        (state, "abandoned"): frozenset({OFFICER})
        for state in S
        if state not in {"draft", "closed", "refused", "withdrawn", "abandoned"}
    }
)

# The groups of states, defined here once: services, selectors, views, templates and the public
# layer ask these (and the functions below) instead of listing states themselves.

#: The applicant's own, not yet sent: editable, unseen by the town's staff.
EDITABLE = frozenset({"draft"})
#: Every state the town's staff see (queue, map, statistics, file pages): all but the draft.
SUBMITTED = frozenset(S) - EDITABLE
#: The services' review runs: a service may answer, an officer may add one.
UNDER_REVIEW = frozenset({"in_review", "complement_requested"})
#: The services' clocks stand still while the town waits for the applicant's complement.
PAUSED = frozenset({"complement_requested"})
#: The services' due dates run: reminders, lateness, escalation, deemed consent.
CLOCKS_RUN = UNDER_REVIEW - PAUSED
#: Waiting for the town's decision with nobody waiting for the applicant: the checks' blocking
#: findings need the officer (the queue's exceptions).
AWAITING_DECISION = frozenset({"submitted", "in_review"})
#: Planned or running works that other requests are checked against (conflicts, coordination).
ACTIVE = frozenset({"submitted", "in_review", "complement_requested", "granted", "works_started"})
#: Digging is authorised (between the start and the end of validity).
AUTHORISES_WORKS = frozenset({"granted", "works_started"})
#: Works on the street now, whatever their planned end says.
ONGOING = frozenset({"works_started", "works_ended", "inspected_defects"})
#: Granted works not yet closed: what the public works map and the OGC API show.
PUBLIC = AUTHORISES_WORKS | ONGOING | {"reinstated"}
#: An emergency not yet decided: the public map and the iCal feed show it at once (marked as
#: an emergency), its applicant may declare the start, its regularisation date is watched.
EMERGENCY_PENDING = frozenset({"submitted", "in_review", "complement_requested"})
#: How long before `regularise_by` the applicant of an emergency is reminded.
REGULARISE_REMINDER = dt.timedelta(hours=12)
#: A permit issued at some point: its PDF exists, the verification page speaks of it.
ISSUED = PUBLIC | {"closed"}
#: Nothing more happens to the file.
FINAL = frozenset({"closed", "refused", "withdrawn", "abandoned"})
#: Every state but the final ones.
OPEN = frozenset(S) - FINAL
#: States in which the applicant may still add documents (supplement, never edit).
SUPPLEMENTABLE = ACTIVE
#: States in which staff may correct the road category (which sets the fee): under review,
#: and after the grant until the file closes (the fees are then billed again).
CATEGORY_CORRECTABLE = EMERGENCY_PENDING | (ISSUED - {"closed"})
#: States in which the works may be extended.
EXTENDABLE = AUTHORISES_WORKS
#: A review still waiting for its service's opinion.
TASK_OPEN = "open"
#: A review the officer's decision closed before its service answered (the officer said why).
TASK_SUPERSEDED = "superseded"
#: Review tasks in which a service has a part in the file (not once the officer removed it).
TASK_ROUTED = frozenset({TASK_OPEN, "answered", TASK_SUPERSEDED})
#: The reviews the applicant reads of: the services asked and not taken off the review.
TASK_SHOWN_TO_APPLICANT = frozenset({TASK_OPEN, "answered"})


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


def sources(target: str, *, actor: str) -> frozenset[str]:
    """The states from which `actor` may move a request to `target` (for queries)."""
    return frozenset(frm for (frm, to), who in TRANSITIONS.items() if to == target and actor in who)


def clocks_paused(status: str) -> bool:
    """The services' due dates stand still while the town waits for the applicant."""
    return status in PAUSED


def ready_for_decision(status: str, *, open_tasks: int) -> bool:
    """Every service has answered a request the officer may decide."""
    return allowed(status, "granted", actor=OFFICER) and not open_tasks


def decision_needs_override(*, open_tasks: int) -> bool:
    """The officer decides before every service answered only by saying why: the open reviews
    are then closed (TASK_SUPERSEDED) and their services told."""
    return open_tasks > 0


#: Where a permit stands on a given day, against its dates.
NOT_YET_VALID = "not_yet_valid"
VALID = "valid"
EXPIRED = "expired"


def validity_on(day: dt.date, *, first_day: dt.date, last_day: dt.date) -> str:
    """NOT_YET_VALID before the permit's first day, EXPIRED after its last, VALID between
    (both days included; `day` is the town's, Europe/Zurich)."""
    if day < first_day:
        return NOT_YET_VALID
    if day > last_day:
        return EXPIRED
    return VALID


def declared_in_order(*, previous: dt.datetime | None, at: dt.datetime) -> bool:
    """A step of the works (end, reinstatement) is not declared before the step it follows."""
    return previous is None or at >= previous


def complement_overdue(due: dt.date | None, *, today: dt.date) -> bool:
    """The applicant's complement is still awaited after its last day: the officer may refuse
    the request or close the file without follow-up."""
    return due is not None and today > due


def shown_to_public(status: str, *, is_emergency: bool) -> bool:
    """Granted works not yet closed, and emergencies from their submission (before any
    decision): what the public works map, the iCal feed and the OGC API show."""
    return status in PUBLIC or (is_emergency and status in EMERGENCY_PENDING)


def regularisation_step(
    *, regularise_by: dt.datetime, now: dt.datetime, reminded: bool, escalated: bool
) -> str | None:
    """What the periodic job does for an emergency not yet regularised: "escalate" (to the
    officers) once its date is past, "remind" (the applicant) in the last REGULARISE_REMINDER
    before it, each once; None otherwise. A reminder never comes after the escalation."""
    if now > regularise_by:
        return None if escalated else "escalate"
    if now >= regularise_by - REGULARISE_REMINDER and not reminded:
        return "remind"
    return None


#: The department codes of the traffic police: by default their silence never counts as
#: favourable on a full closure (the diversion is theirs to approve).
TRAFFIC_POLICE_CODES = ("traffic", "police", "traffic-police", "police-trafic")


def silence_is_favourable(
    *, town_default: bool, rule: bool | None, department_code: str, road_closure: str
) -> bool:
    """Whether a service's silence counts as a favourable opinion once its review is late
    enough: the town's rule for this service and closure level when it set one; otherwise the
    town's general setting, except the traffic police on a full closure (never)."""
    if rule is not None:
        return rule
    if department_code in TRAFFIC_POLICE_CODES and road_closure == "full":
        return False
    return town_default


def works_overdue(status: str, *, flagged: bool) -> bool:
    """Flagged past their planned end, and their end still to be declared."""
    return flagged and allowed(status, "works_ended", actor=APPLICANT)


#: The applicant's actions that move the request, and the state each moves it to.
APPLICANT_MOVES = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "answer_complement": "in_review",
    "start_works": "works_started",
    "end_works": "works_ended",
    "declare_reinstated": "reinstated",
}


def applicant_actions(
    status: str, *, is_emergency: bool = False, started: bool = False
) -> frozenset[str]:
    """What the applicant may do with a request in `status`: its page offers these and nothing
    else (each action's service checks again). The applicant of an emergency not yet decided
    declares the start of its works (`started`: already declared)."""
    actions = {
        name for name, target in APPLICANT_MOVES.items() if allowed(status, target, actor=APPLICANT)
    }
    if is_emergency and status in EMERGENCY_PENDING and not started:
        actions.add("start_emergency")
    for name, states in (
        ("edit", EDITABLE),
        ("supplement", SUPPLEMENTABLE),
        ("extend", EXTENDABLE),
    ):
        if status in states:
            actions.add(name)
    return frozenset(actions)


#: The officer's decisions and the state each moves the request to.
DECISIONS = {"grant": "granted", "refuse": "refused"}


def officer_decisions(status: str) -> tuple[str, ...]:
    """The decisions the officer's form offers on a request in `status`: grant or refuse while
    in review, refuse only while waiting for the applicant's complement."""
    return tuple(name for name, to in DECISIONS.items() if allowed(status, to, actor=OFFICER))


def staff_actions(status: str, *, is_officer: bool, may_inspect: bool) -> frozenset[str]:
    """What a member of the town's staff may do with a file in `status`: an officer adds
    services during the review, decides, asks for a complement and answers extensions; whoever
    may inspect (the town decides: permits.access.may_inspect) records the inspection."""
    actions = set()
    if is_officer:
        actions.add("decide_extension")
        if status in UNDER_REVIEW:
            actions.add("add_service")
        if officer_decisions(status):
            actions.add("decide")
        if allowed(status, "complement_requested", actor=OFFICER):
            actions.add("ask_complement")
        if allowed(status, "abandoned", actor=OFFICER):
            actions.add("abandon")
        if status in CATEGORY_CORRECTABLE:
            actions.add("correct_category")
    if may_inspect and allowed(status, "closed", actor=REVIEWER):
        actions.add("inspect")
    return frozenset(actions)


def task_actions(task_status: str, status: str, *, mine: bool, is_officer: bool) -> frozenset[str]:
    """What a member of staff may do with one service's review of a file in `status`: its own
    service answers an open review while the review runs; an officer removes an open one."""
    if task_status != "open":
        return frozenset()
    actions = set()
    if mine and status in UNDER_REVIEW:
        actions.add("answer")
    if is_officer:
        actions.add("remove")
    return frozenset(actions)


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
