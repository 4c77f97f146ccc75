"""Who is told what: every permit e-mail goes through `notify_later`, sent after commit by a
background job (`permit_notify`, beside it), one message per recipient in that recipient's
language."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django_tasks import task

from commune.accounts.models import Membership, Role
from commune.core.mail import mail_send
from commune.permits.disclosure import other_works_visible
from commune.permits.models import PermitRequest, ReviewTask
from commune.permits.models.choices import RoadCategory
from commune.tenants import scoping

logger = logging.getLogger("commune.permits")

EVENTS = {
    "submitted",
    "task_assigned",
    "task_reminder",
    "task_late",
    "task_escalated",
    "task_superseded",
    "ready_for_decision",
    "complement_requested",
    "complement_answered",
    "granted",
    "refused",
    "abandoned",
    "coordination",
    "expiry_reminder",
    "overdue",
    "inspection",
    "extension_decided",
    "category_corrected",
    "emergency_reminder",
    "emergency_escalated",
    "repair_reminder",
    "repair_escalated",
}


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str = ""


def notify_later(event: str, *, permit_id: int, task_id: int | None = None, **extra) -> None:
    """Send the e-mails for `event` once the current transaction commits."""
    assert event in EVENTS, event
    transaction.on_commit(
        lambda: permit_notify.enqueue(event=event, permit_id=permit_id, task_id=task_id, **extra)
    )


def _applicant(permit) -> list[Recipient]:
    user = permit.applicant
    return [Recipient(user.email, user.language, user.full_name)]


def _officers(permit) -> list[Recipient]:
    members = Membership.objects.filter(role=Role.PERMIT_OFFICER).select_related("user")
    return [Recipient(m.user.email, m.user.language, m.user.full_name) for m in members]


def _department(task) -> list[Recipient]:
    members = Membership.objects.filter(
        role=Role.SERVICE_REVIEWER, department=task.department
    ).select_related("user")
    people = [Recipient(m.user.email, m.user.language, m.user.full_name) for m in members]
    if task.department.email and task.department.email not in {p.email for p in people}:
        people.append(Recipient(task.department.email, task.municipality.default_language))
    return people


def recipients_for(event: str, *, permit, task=None) -> list[Recipient]:
    if event in {"task_assigned", "task_reminder", "task_late", "task_superseded"}:
        return _department(task)
    if event in {
        "task_escalated",
        "ready_for_decision",
        "complement_answered",
        "emergency_escalated",
        "repair_escalated",
    }:
        return _officers(permit)
    if event == "overdue":
        return _applicant(permit) + _officers(permit)
    return _applicant(permit)


def send_event(*, event: str, permit, task=None, extra: dict | None = None) -> int:
    """Render and send `event` to everyone concerned; returns the number of messages sent.
    An applicant is invited to coordinate only with works the public can already see (read
    when the mail is sent, after the submission's transaction)."""
    context = {"permit": permit, "task": task, "town": permit.municipality, **(extra or {})}
    other = context.get("other")
    if event == "coordination" and not other_works_visible(permit=permit, other=other):
        logger.info("coordination mail withheld", extra={"permit": permit.pk})
        return 0
    sent = 0
    for person in recipients_for(event, permit=permit, task=task):
        sent += mail_send(
            to=person.email,
            template=f"permits_{event}",
            context={**context, "recipient": person},
            language=person.language,
        )
    logger.info("permit mail sent", extra={"event": event, "permit": permit.pk, "sent": sent})
    return sent


@task()
def permit_notify(*, event: str, permit_id: int, task_id: int | None = None, **extra) -> int:
    """The background job of notify_later(): the e-mails of `event`, in the permit's town."""
    with scoping.scopes_disabled():
        town = PermitRequest.objects.select_related("municipality").get(pk=permit_id).municipality
    with scoping.scope(town):
        permit = PermitRequest.objects.select_related("applicant", "municipality").get(pk=permit_id)
        review = (
            ReviewTask.objects.select_related("department").get(pk=task_id) if task_id else None
        )
        context = {}
        if "other_permit_id" in extra:
            context["other"] = PermitRequest.objects.filter(pk=extra["other_permit_id"]).first()
        if "reason" in extra:
            context["reason"] = extra["reason"]
        if "before" in extra:
            context["before"] = RoadCategory(extra["before"]).label  # the mail's language
        return send_event(event=event, permit=permit, task=review, extra=context)
