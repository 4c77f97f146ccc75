"""Emergency works (issue 8): they are dug before any decision. The public sees them from
their submission (public/selectors.py), the applicant declares their start at once, and the
48-hour regularisation date is watched by the periodic job: a reminder to the applicant before
it, an escalation to the permit officers after it, each once (a timestamp on the row)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits import workflow
from commune.permits.models import PermitRequest

from .notify import notify_later

Status = PermitRequest.Status


@transaction.atomic
def emergency_start(*, permit: PermitRequest, applicant, now: dt.datetime) -> PermitRequest:
    """The applicant of an emergency not yet decided declares that its works started (once;
    again is a no-op). The status stays: the town still decides; a grant then finds the works
    under way (decision.permit_grant)."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    if not (permit.is_emergency and permit.status in workflow.EMERGENCY_PENDING):
        raise ValidationError(
            _("Only an emergency awaiting the town's decision is started this way."),
            code="not_emergency",
        )
    if permit.works_started_at is not None:
        return permit
    permit.works_started_at = now
    permit.save(update_fields=["works_started_at", "updated_at"])
    audit.record(actor=applicant, obj=permit, action="emergency_works_started", after={"at": now})
    return permit


def emergency_regularised(*, permit: PermitRequest, at: dt.datetime) -> None:
    """The applicant completed an emergency's file (documents added after the submission):
    the regularisation date is no longer watched. Only the first time counts."""
    if not permit.is_emergency or permit.regularised_at is not None:
        return
    if permit.status not in workflow.EMERGENCY_PENDING:
        return
    permit.regularised_at = at
    permit.save(update_fields=["regularised_at", "updated_at"])
    audit.record(actor=None, obj=permit, action="emergency_regularised", after={"at": at})


def started_emergency_follow(*, permit: PermitRequest, now: dt.datetime) -> PermitRequest:
    """After the grant of an emergency whose works the applicant said had started: the permit
    moves on to "works started" at once, with the time declared."""
    if not (permit.is_emergency and permit.works_started_at):
        return permit
    workflow.check(permit.status, Status.WORKS_STARTED, actor=workflow.SYSTEM)
    permit.status = Status.WORKS_STARTED
    permit.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=None,
        obj=permit,
        action="works_started",
        before={"status": Status.GRANTED},
        after={"status": Status.WORKS_STARTED, "works_started_at": permit.works_started_at},
    )
    return permit


def emergency_watch_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """Remind the applicants of emergencies not regularised in the last hours before their
    date; escalate to the permit officers once it is past. Timestamped: twice sends nothing."""
    counts = {"emergency_reminded": 0, "emergency_escalated": 0}
    watched = PermitRequest.objects.filter(
        municipality=municipality,
        is_emergency=True,
        status__in=workflow.EMERGENCY_PENDING,
        regularised_at__isnull=True,
        regularise_by__isnull=False,
        regularise_escalated_at__isnull=True,
    ).order_by("pk")
    for candidate in watched:
        with transaction.atomic():
            permit = PermitRequest.objects.select_for_update().get(pk=candidate.pk)
            step = workflow.regularisation_step(
                regularise_by=permit.regularise_by,
                now=now,
                reminded=permit.regularise_reminded_at is not None,
                escalated=permit.regularise_escalated_at is not None,
            )
            if step == "remind":
                permit.regularise_reminded_at = now
                permit.save(update_fields=["regularise_reminded_at", "updated_at"])
                notify_later("emergency_reminder", permit_id=permit.pk)
                counts["emergency_reminded"] += 1
            elif step == "escalate":
                permit.regularise_escalated_at = now
                permit.save(update_fields=["regularise_escalated_at", "updated_at"])
                audit.record(actor=None, obj=permit, action="emergency_escalated")
                notify_later("emergency_escalated", permit_id=permit.pk)
                counts["emergency_escalated"] += 1
    return counts
