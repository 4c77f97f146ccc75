"""What the applicant is told while the town decides: why the request is not routine (the
workflow's routine obstacles, in plain words) and when the decision is due (the open reviews'
due dates). Read only; shown on the applicant's request page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from commune.permits import workflow
from commune.permits.disclosure import findings_for
from commune.permits.models import Finding, PermitRequest
from commune.permits.models.texts import Audience
from commune.permits.selectors import permit_settings_get

from .decision import routine_facts, routine_rules


@dataclass(frozen=True)
class Outlook:
    obstacles: list[str]
    decision_due: dt.date | None  # the last open review's due date
    paused: bool  # the clocks wait for the applicant's complement


def applicant_outlook(permit: PermitRequest) -> Outlook | None:
    """None once the town has decided (or before the submission). A conflict counts only when
    the applicant is shown it (disclosure.findings_for): nothing hints at works they may not
    know of."""
    if permit.status not in workflow.EMERGENCY_PENDING:
        return None
    shown = findings_for(permit=permit, audience=Audience.APPLICANT)
    facts = dataclasses.replace(
        routine_facts(permit),
        blocking_findings=sum(1 for f in shown if f.kind in Finding.BLOCKING),
    )
    settings = permit_settings_get(municipality=permit.municipality)
    obstacles = workflow.routine_obstacles(facts, routine_rules(settings))
    dues = permit.tasks.filter(status=workflow.TASK_OPEN).values_list("due_date", flat=True)
    return Outlook(
        obstacles=obstacles,
        decision_due=max(dues, default=None),
        paused=workflow.clocks_paused(permit.status),
    )
