"""The services' opinions, the complements asked of the applicant, and the review clocks
(reminders, escalation, deemed opinions) run by the periodic job with an explicit `now`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits import deadlines, workflow
from commune.permits.models import ComplementRequest, PermitRequest, ReviewTask
from commune.permits.selectors import permit_settings_get

from .attachments import attachment_add
from .decision import permit_grant_if_routine
from .deemed import deemed_rules, silence_counts
from .emergency import emergency_regularised
from .notify import notify_later

Status = PermitRequest.Status


def _locked(permit: PermitRequest) -> PermitRequest:
    return PermitRequest.objects.select_for_update().get(pk=permit.pk)


@transaction.atomic
def review_answer(
    *,
    task: ReviewTask,
    reviewer,
    opinion: str,
    remark: str = "",
    internal_note: str = "",
    conditions=(),
    free_conditions: str = "",
    now: dt.datetime,
) -> ReviewTask:
    """A department gives its opinion; conditions are required for 'with conditions' and
    reasons for 'unfavourable'. When the last opinion arrives the request moves on.
    The opinion, its conditions and the `remark` are for the applicant too (an unfavourable
    opinion's reasons are given there); the `internal_note` is for the town's staff only:
    the trail keeps it as the entry's comment, which the applicant never reads."""
    permit = _locked(task.permit)
    task = ReviewTask.objects.select_for_update().get(pk=task.pk)
    if task.status != ReviewTask.Status.OPEN or permit.status not in workflow.UNDER_REVIEW:
        raise ValidationError(_("This review is closed."), code="closed")
    conditions = list(conditions)
    if opinion == ReviewTask.Opinion.CONDITIONS and not (conditions or free_conditions.strip()):
        raise ValidationError(
            {"conditions": _("Choose at least one condition, or write one.")}, code="conditions"
        )
    if opinion == ReviewTask.Opinion.UNFAVOURABLE and not remark.strip():
        raise ValidationError(
            {"remark": _("Tell the applicant why the opinion is unfavourable.")}, code="reasons"
        )
    if opinion == ReviewTask.Opinion.FAVOURABLE and (conditions or free_conditions.strip()):
        opinion = ReviewTask.Opinion.CONDITIONS
    task.status = ReviewTask.Status.ANSWERED
    task.opinion = opinion
    task.remark = remark
    task.internal_note = internal_note
    task.free_conditions = free_conditions
    task.answered_by = reviewer
    task.answered_at = now
    task.save()
    task.conditions.set(conditions)
    audit.record(
        actor=reviewer,
        obj=permit,
        action="review_answered",
        after={
            "department": task.department.name,
            "opinion": opinion,
            "conditions": task.condition_texts(),
            "remark": remark,
        },
        comment=internal_note,
    )
    reviews_settle(permit=permit, now=now)
    return task


def reviews_settle(*, permit: PermitRequest, now: dt.datetime) -> PermitRequest:
    """Once no review is open: grant a routine request at once, otherwise tell the officer."""
    if permit.status != Status.IN_REVIEW:
        return permit
    if permit.tasks.filter(status=ReviewTask.Status.OPEN).exists():
        return permit
    if not permit_grant_if_routine(permit=permit, now=now):
        notify_later("ready_for_decision", permit_id=permit.pk)
    return permit


@transaction.atomic
def complement_request(
    *, permit: PermitRequest, officer, question: str, now: dt.datetime
) -> ComplementRequest:
    """Ask the applicant for more; every review clock stops until the answer."""
    permit = _locked(permit)
    workflow.check(permit.status, Status.COMPLEMENT_REQUESTED, actor=workflow.OFFICER)
    if not question.strip():
        raise ValidationError({"question": _("Say what is missing.")})
    days = permit_settings_get(municipality=permit.municipality).complement_days
    complement = ComplementRequest.objects.create(
        municipality=permit.municipality,
        permit=permit,
        asked_by=officer,
        question=question,
        asked_at=now,
        due_date=deadlines.add_working_days(
            timezone.localdate(now), days, permit.municipality.canton
        ),
    )
    permit.status = Status.COMPLEMENT_REQUESTED
    permit.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=officer,
        obj=permit,
        action="complement_requested",
        before={"status": Status.IN_REVIEW},
        after={"status": permit.status, "due": complement.due_date},
        comment=question,
    )
    notify_later("complement_requested", permit_id=permit.pk, complement_id=complement.pk)
    return complement


@transaction.atomic
def complement_answer(
    *,
    complement: ComplementRequest,
    applicant,
    answer: str,
    now: dt.datetime,
    uploads: list[tuple[object, str]] = (),
) -> ComplementRequest:
    """The applicant answers, with documents (checked uploads): the clocks restart, every
    open due date moves by the working days the request waited. An answer refused keeps none
    of its documents."""
    permit = _locked(complement.permit)
    complement = ComplementRequest.objects.select_for_update().get(pk=complement.pk)
    if complement.answered_at is not None:
        return complement
    workflow.check(permit.status, Status.IN_REVIEW, actor=workflow.APPLICANT)
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    added = [
        attachment_add(
            permit=permit, user=applicant, upload=upload, mime=mime, purpose="complement"
        )
        for upload, mime in uploads
    ]
    if added:  # an emergency's file completed by the answer's documents: regularised
        emergency_regularised(permit=permit, at=added[-1].created_at)
    canton = permit.municipality.canton
    asked_on = timezone.localdate(complement.asked_at)
    paused = deadlines.working_days_between(asked_on, timezone.localdate(now), canton)
    complement.answer = answer
    complement.answered_at = now
    complement.paused_days = paused
    complement.save(update_fields=["answer", "answered_at", "paused_days", "updated_at"])
    for task in permit.tasks.filter(status=ReviewTask.Status.OPEN):
        before = task.due_date
        task.due_date = deadlines.add_working_days(task.due_date, paused, canton)
        task.paused_days += paused
        task.save(update_fields=["due_date", "paused_days", "updated_at"])
        audit.record(
            actor=None,
            obj=permit,
            action="review_due_moved",
            before={"department": task.department.name, "due": before},
            after={"due": task.due_date, "paused_working_days": paused},
        )
    permit.status = Status.IN_REVIEW
    permit.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=applicant,
        obj=permit,
        action="complement_answered",
        before={"status": Status.COMPLEMENT_REQUESTED},
        after={"status": permit.status, "paused_working_days": paused},
        comment=answer,
    )
    notify_later("complement_answered", permit_id=permit.pk)
    reviews_settle(permit=permit, now=now)
    return complement


def _task_deemed(task: ReviewTask, *, now: dt.datetime) -> None:
    task.status = ReviewTask.Status.ANSWERED
    task.opinion = ReviewTask.Opinion.FAVOURABLE
    task.is_deemed = True
    task.answered_at = now
    task.save(update_fields=["status", "opinion", "is_deemed", "answered_at", "updated_at"])
    audit.record(
        actor=None,
        obj=task.permit,
        action="review_deemed_favourable",
        after={"department": task.department.name, "due": task.due_date},
    )


def review_clocks_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """One pass of the review clocks for one town (safe to run twice: each step is
    timestamped). Requests waiting for a complement are paused and skipped."""
    settings = permit_settings_get(municipality=municipality)
    canton = municipality.canton
    today = timezone.localdate(now)
    counts = {"reminded": 0, "late": 0, "escalated": 0, "deemed": 0}
    rules = deemed_rules(municipality=municipality)
    tasks = ReviewTask.objects.filter(
        status=ReviewTask.Status.OPEN, permit__status__in=workflow.CLOCKS_RUN
    ).select_related("permit", "department", "permit__municipality")
    for task in tasks:
        with transaction.atomic():
            late_by = deadlines.working_days_between(task.due_date, today, canton)
            remind_from = deadlines.add_working_days(
                task.due_date, -settings.reminder_days_before, canton
            )
            if today > task.due_date:
                deemed = silence_counts(task=task, settings=settings, rules=rules)
                if deemed and late_by >= settings.deemed_after_days:
                    _task_deemed(task, now=now)
                    counts["deemed"] += 1
                    reviews_settle(permit=_locked(task.permit), now=now)
                    continue
                if task.reminded_after_at is None:
                    task.reminded_after_at = now
                    task.save(update_fields=["reminded_after_at", "updated_at"])
                    notify_later("task_late", permit_id=task.permit_id, task_id=task.pk)
                    counts["late"] += 1
                if task.escalated_at is None and late_by >= settings.escalation_days_after:
                    task.escalated_at = now
                    task.save(update_fields=["escalated_at", "updated_at"])
                    audit.record(
                        actor=None,
                        obj=task.permit,
                        action="review_escalated",
                        after={"department": task.department.name, "late_by": late_by},
                    )
                    notify_later("task_escalated", permit_id=task.permit_id, task_id=task.pk)
                    counts["escalated"] += 1
            elif task.reminded_before_at is None and today >= remind_from:
                task.reminded_before_at = now
                task.save(update_fields=["reminded_before_at", "updated_at"])
                notify_later("task_reminder", permit_id=task.permit_id, task_id=task.pk)
                counts["reminded"] += 1
    return counts
