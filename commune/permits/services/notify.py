"""Who is told what: every permit e-mail goes through `notify_later`, sent after commit by a
background job (`permit_notify`, beside it), one message per recipient in that recipient's
language, with the absolute link to the page where that recipient reads the file or acts. On
the applicant's side the mails go to the file's followers (services/following.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from commune.accounts.models import Membership, Role
from commune.core.mail import mail_send
from commune.permits.disclosure import other_works_visible
from commune.permits.models import PermitRequest, ReviewTask
from commune.permits.models.choices import RoadCategory
from commune.tenants import scoping
from commune.tenants.links import absolute_url

from .following import permit_followers

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
    "conflict_found",
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
    """One person to tell, in their language, with the link to the page where they act."""

    email: str
    language: str
    name: str = ""
    link: str = ""
    link_label: str = ""
    is_staff: bool = False


def notify_later(event: str, *, permit_id: int, task_id: int | None = None, **extra) -> None:
    """Send the e-mails for `event` once the current transaction commits."""
    assert event in EVENTS, event
    transaction.on_commit(
        lambda: permit_notify.enqueue(event=event, permit_id=permit_id, task_id=task_id, **extra)
    )


#: Where each e-mail to the applicant's side leads on the request's page (an anchor of
#: permits/detail.html) and what its link says; any other event links to the page itself.
APPLICANT_ACTIONS = {
    "complement_requested": ("complement-title", _("Answer the town on your request's page:")),
    "emergency_reminder": ("supplement-title", _("Add the documents on your request's page:")),
    "expiry_reminder": ("extension-title", _("Declare the end or ask for an extension:")),
    "overdue": ("", _("Declare the end of the works on your request's page:")),
    "repair_reminder": ("reinstate-title", _("Declare the repairs on your request's page:")),
}
#: The same for the town's officers (anchors of permits/staff/detail.html).
OFFICER_ACTIONS = {
    "ready_for_decision": ("decision-title", _("Decide on the file:")),
    "task_escalated": ("routing-title", _("Follow the review up on the file:")),
    "emergency_escalated": ("decision-title", _("Decide on the file:")),
    "complement_answered": ("decision-title", _("Read the answer on the file:")),
}
OPEN_FILE = _("Open the file:")


def _link(name: str, permit, anchor: str = "", **kwargs) -> str:
    town = permit.municipality
    path = reverse(f"permits:{name}", kwargs={"town": town.slug, **kwargs})
    return absolute_url(path, municipality=town) + (f"#{anchor}" if anchor else "")


def _applicant(permit, event: str = "") -> list[Recipient]:
    """The file's followers on the applicant's side (services/following.py)."""
    anchor, label = APPLICANT_ACTIONS.get(event, ("", OPEN_FILE))
    link = _link("detail", permit, anchor, permit_id=permit.pk)
    return [
        Recipient(user.email, user.language, user.full_name, link, label)
        for user in permit_followers(permit=permit)
    ]


def _officers(permit, event: str = "") -> list[Recipient]:
    members = Membership.objects.filter(
        role=Role.PERMIT_OFFICER, user__is_active=True
    ).select_related("user")
    anchor, label = OFFICER_ACTIONS.get(event, ("", OPEN_FILE))
    link = _link("staff-detail", permit, anchor, permit_id=permit.pk)
    return [
        Recipient(m.user.email, m.user.language, m.user.full_name, link, label, is_staff=True)
        for m in members
    ]


def _department(task, event: str = "") -> list[Recipient]:
    members = Membership.objects.filter(
        role=Role.SERVICE_REVIEWER, department=task.department, user__is_active=True
    ).select_related("user")
    if event == "task_superseded":
        link, label = _link("staff-detail", task.permit, permit_id=task.permit_id), OPEN_FILE
    else:
        link, label = _link("review", task.permit, task_id=task.pk), _("Give the opinion:")
    people = [
        Recipient(m.user.email, m.user.language, m.user.full_name, link, label, is_staff=True)
        for m in members
    ]
    if task.department.email and task.department.email not in {p.email for p in people}:
        language = task.municipality.default_language
        people.append(Recipient(task.department.email, language, "", link, label, is_staff=True))
    return people


def recipients_for(event: str, *, permit, task=None) -> list[Recipient]:
    if event in {"task_assigned", "task_reminder", "task_late", "task_superseded"}:
        return _department(task, event)
    if event in {
        "task_escalated",
        "ready_for_decision",
        "complement_answered",
        "emergency_escalated",
        "repair_escalated",
    }:
        return _officers(permit, event)
    if event in {"overdue", "conflict_found"}:
        return _applicant(permit, event) + _officers(permit, event)
    return _applicant(permit, event)


def _recipients(event: str, *, permit, task, other_visible: bool) -> list[Recipient]:
    """recipients_for(), but a conflict with a file the applicant's side may not know of (not
    public, not theirs) is the staff's alone."""
    people = recipients_for(event, permit=permit, task=task)
    if event == "conflict_found" and not other_visible:
        return [person for person in people if person.is_staff]
    return people


def send_event(*, event: str, permit, task=None, extra: dict | None = None) -> int:
    """Render and send `event` to everyone concerned; returns the number of messages sent.
    An applicant is invited to coordinate only with works the public can already see (read
    when the mail is sent, after the submission's transaction); told of a conflict, the
    applicant's side reads the other file's reference only where it may (`other_visible`)."""
    context = {"permit": permit, "task": task, "town": permit.municipality, **(extra or {})}
    other = context.get("other")
    context["other_visible"] = other_works_visible(permit=permit, other=other)
    if event == "coordination" and not other_works_visible(permit=permit, other=other):
        logger.info("coordination mail withheld", extra={"permit": permit.pk})
        return 0
    sent = 0
    for person in _recipients(
        event, permit=permit, task=task, other_visible=context["other_visible"]
    ):
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
