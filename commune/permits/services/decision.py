"""The decision: the officer grants (with every condition) or refuses (with reasons); a
routine request is granted by the system with no human step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits import workflow
from commune.permits.models import Finding, PermitRequest, ReviewTask, StandardCondition
from commune.permits.selectors import permit_settings_get

from .billing import permit_invoice_issue
from .conflicts import conflicts_recompute
from .emergency import started_emergency_follow
from .fees import fee_compute
from .notify import notify_later

Status = PermitRequest.Status


def routine_facts(permit: PermitRequest) -> workflow.RoutineFacts:
    tasks = list(permit.tasks.exclude(status=ReviewTask.Status.CANCELLED))
    return workflow.RoutineFacts(
        area_m2=permit.total_area_m2,
        road_closure=permit.road_closure,
        pavement_closure=permit.pavement_closure,
        is_emergency=permit.is_emergency,
        notice_respected=bool(permit.notice_respected),
        blocking_findings=permit.findings.filter(kind__in=list(Finding.BLOCKING)).count(),
        opinions=[t.opinion for t in tasks if t.status == ReviewTask.Status.ANSWERED],
        open_tasks=sum(1 for t in tasks if t.status == ReviewTask.Status.OPEN),
    )


def routine_rules(settings) -> workflow.RoutineRules:
    return workflow.RoutineRules(
        enabled=settings.routine_enabled,
        max_area_m2=Decimal(settings.routine_max_area_m2),
        max_closure=settings.routine_max_closure,
        pavement_closure_allowed=settings.routine_allows_pavement_closure,
    )


def routine_obstacles_for(permit: PermitRequest) -> list[str]:
    settings = permit_settings_get(municipality=permit.municipality)
    return workflow.routine_obstacles(routine_facts(permit), routine_rules(settings))


def conditions_collect(permit: PermitRequest) -> list[dict[str, str]]:
    """Every condition set by the services, in the order of the tasks."""
    collected = []
    tasks = permit.tasks.filter(status=ReviewTask.Status.ANSWERED).select_related("department")
    for task in tasks.prefetch_related("conditions"):
        for text in task.condition_texts():
            collected.append({"department": task.department.name, "text": text})
    return collected


def _open_reviews_close(permit: PermitRequest, *, officer, reason: str) -> None:
    """Before a decision: the reviews still open are closed if the officer said why deciding
    without them (the reason is kept in the trail, each service is told), refused otherwise."""
    tasks = list(
        permit.tasks.filter(status=workflow.TASK_OPEN).select_related("department").order_by("id")
    )
    if not workflow.decision_needs_override(open_tasks=len(tasks)):
        return
    names = ", ".join(task.department.name for task in tasks)
    if not reason.strip():
        raise ValidationError(
            {
                "override_reason": _(
                    "%(services)s have not given their opinion yet: say why you decide without it."
                )
                % {"services": names}
            },
            code="open_reviews",
        )
    for task in tasks:
        task.status = ReviewTask.Status.SUPERSEDED
        task.save(update_fields=["status", "updated_at"])
        notify_later("task_superseded", permit_id=permit.pk, task_id=task.pk, reason=reason)
    audit.record(
        actor=officer,
        obj=permit,
        action="decided_without_opinions",
        after={"services": names},
        comment=reason,
    )


def _library_conditions(permit: PermitRequest, chosen) -> list[dict[str, str]]:
    """The officer's picks from the town's library, their texts copied as they read today (a
    later edit of the library changes no permit); a retired one, or another town's, is refused.
    """
    chosen = list(chosen)
    offered = {
        c.pk: c
        for c in StandardCondition.objects.filter(
            municipality=permit.municipality, is_active=True, pk__in=[c.pk for c in chosen]
        )
    }
    if len(offered) != len({c.pk for c in chosen}):
        raise ValidationError(
            {"standard_conditions": _("This condition is no longer in the town's library.")},
            code="condition_retired",
        )
    label = str(_("Permit officer"))
    return [
        {"department": label, "text": c.text, "code": c.code}
        for c in sorted(offered.values(), key=lambda c: c.code)
    ]


def _grant(
    permit,
    *,
    actor,
    now: dt.datetime,
    extra_conditions: list[str],
    text: str,
    routine,
    standard_conditions=(),
):
    settings = permit_settings_get(municipality=permit.municipality)
    before = audit.snapshot(permit, ["status"])
    days = (permit.planned_end - permit.planned_start).days + 1
    fees = fee_compute(
        area_m2=permit.total_area_m2, days=days, road_category=permit.road_category, tariff=settings
    )
    label = _("Permit officer")
    permit.conditions = (
        conditions_collect(permit)
        + _library_conditions(permit, standard_conditions)
        + [{"department": str(label), "text": c.strip()} for c in extra_conditions if c.strip()]
    )
    permit.status = Status.GRANTED
    permit.is_routine = routine
    permit.decided_at = now
    permit.decided_by = actor
    permit.decision_text = text
    permit.valid_until = permit.planned_end
    permit.fee_base, permit.fee_occupation = fees.base, fees.occupation
    permit.fee_total, permit.deposit = fees.total, fees.deposit
    permit.save()
    audit.record(
        actor=actor,
        obj=permit,
        action="routine_grant" if routine else "grant",
        before=before,
        after={
            "status": permit.status,
            "conditions": [c["text"] for c in permit.conditions],
            "fee_total": permit.fee_total,
            "deposit": permit.deposit,
        },
        comment=text,
    )
    permit_invoice_issue(permit=permit, now=now, actor=actor)
    notify_later("granted", permit_id=permit.pk)
    return permit


@transaction.atomic
def permit_grant(
    *,
    permit: PermitRequest,
    officer,
    now: dt.datetime,
    extra_conditions: list[str] = (),
    standard_conditions: list[StandardCondition] = (),
    text: str = "",
    override_reason: str = "",
) -> PermitRequest:
    """The officer grants the permit with all the services' conditions and their own: picked
    from the town's library (`standard_conditions`, their texts copied) or written
    (`extra_conditions`); with reviews still open only when `override_reason` says why (they
    are then closed)."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    workflow.check(permit.status, Status.GRANTED, actor=workflow.OFFICER)
    _open_reviews_close(permit, officer=officer, reason=override_reason)
    permit = _grant(
        permit,
        actor=officer,
        now=now,
        extra_conditions=list(extra_conditions),
        standard_conditions=standard_conditions,
        text=text,
        routine=False,
    )
    return started_emergency_follow(permit=permit, now=now)


@transaction.atomic
def permit_refuse(
    *,
    permit: PermitRequest,
    officer,
    reasons: str,
    now: dt.datetime,
    override_reason: str = "",
) -> PermitRequest:
    """The officer refuses; the reasons are required and sent to the applicant. With reviews
    still open only when `override_reason` says why (they are then closed)."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    workflow.check(permit.status, Status.REFUSED, actor=workflow.OFFICER)
    if not reasons.strip():
        raise ValidationError({"text": _("Give the reasons for the refusal.")})
    _open_reviews_close(permit, officer=officer, reason=override_reason)
    before = audit.snapshot(permit, ["status"])
    permit.status = Status.REFUSED
    permit.decided_at = now
    permit.decided_by = officer
    permit.decision_text = reasons
    permit.save(update_fields=["status", "decided_at", "decided_by", "decision_text", "updated_at"])
    conflicts_recompute(permit=permit)
    audit.record(
        actor=officer,
        obj=permit,
        action="refuse",
        before=before,
        after={"status": permit.status},
        comment=reasons,
    )
    notify_later("refused", permit_id=permit.pk)
    return permit


@transaction.atomic
def permit_abandon(
    *, permit: PermitRequest, officer, reason: str, now: dt.datetime
) -> PermitRequest:
    """The officer closes an open file without follow-up (its applicant gave up, the works will
    not take place), saying why: the reviews still open close with it and their services are
    told; the applicant reads the reason."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    workflow.check(permit.status, Status.ABANDONED, actor=workflow.OFFICER)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the file is closed.")}, code="reason")
    before = audit.snapshot(permit, ["status"])
    _open_reviews_close(permit, officer=officer, reason=reason)
    permit.status = Status.ABANDONED
    permit.closed_at = now
    permit.save(update_fields=["status", "closed_at", "updated_at"])
    conflicts_recompute(permit=permit)
    audit.record(
        actor=officer,
        obj=permit,
        action="abandon",
        before=before,
        after={"status": permit.status},
        comment=reason,
    )
    notify_later("abandoned", permit_id=permit.pk, reason=reason)
    return permit


def permit_grant_if_routine(*, permit: PermitRequest, now: dt.datetime) -> bool:
    """The routine path: grant with no human step when the town's rules say so."""
    if not workflow.allowed(permit.status, Status.GRANTED, actor=workflow.SYSTEM):
        return False
    if routine_obstacles_for(permit):
        return False
    _grant(
        permit,
        actor=None,
        now=now,
        extra_conditions=[],
        text=str(_("Granted automatically: routine request.")),
        routine=True,
    )
    return True
