"""After an inspection (issue 8): the repair deadline of the defects is watched — the applicant
reminded before it, the permit officers told after it, once each — and the guarantee period's
end proposes the reinstatement deposit's refund to finance (billing) when no defect is open."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.billing.services.deposits import deposit_refund_propose
from commune.core import audit
from commune.permits import deadlines, workflow
from commune.permits.models import Inspection, PermitRequest
from commune.permits.selectors import permit_settings_get

from .notify import notify_later

Status = PermitRequest.Status

#: The billing source of a permit's deposit.
SOURCE_KIND = "permit"


def repair_step(
    *, fix_by: dt.date, today: dt.date, remind_from: dt.date, reminded: bool, escalated: bool
) -> str | None:
    """What the job does for defects still to repair: "escalate" once `fix_by` is past,
    "remind" from `remind_from` up to `fix_by` (both included), each once; None otherwise."""
    if today > fix_by:
        return None if escalated else "escalate"
    if today >= remind_from and not reminded:
        return "remind"
    return None


def guarantee_over(*, guarantee_until: dt.date | None, today: dt.date) -> bool:
    """The guarantee runs up to and including `guarantee_until`."""
    return guarantee_until is not None and today > guarantee_until


def repairs_watch_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """Defects the applicant has not yet declared repaired (the file still in "defects found"):
    a reminder `reminder_days_before` working days before the deadline, an escalation to the
    officers the day after it. Timestamped on the inspection: running twice sends nothing."""
    settings = permit_settings_get(municipality=municipality)
    today = timezone.localdate(now)
    counts = {"repair_reminded": 0, "repair_escalated": 0}
    watched = Inspection.objects.filter(
        municipality=municipality,
        result=Inspection.Result.DEFECTS,
        resolved_at__isnull=True,
        repair_escalated_at__isnull=True,
        fix_by__isnull=False,
        permit__status=Status.INSPECTED_DEFECTS,
    ).order_by("pk")
    for candidate in watched:
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().get(pk=candidate.pk)
            remind_from = deadlines.add_working_days(
                inspection.fix_by, -settings.reminder_days_before, municipality.canton
            )
            step = repair_step(
                fix_by=inspection.fix_by,
                today=today,
                remind_from=remind_from,
                reminded=inspection.repair_reminded_at is not None,
                escalated=inspection.repair_escalated_at is not None,
            )
            if step == "remind":
                inspection.repair_reminded_at = now
                inspection.save(update_fields=["repair_reminded_at", "updated_at"])
                notify_later("repair_reminder", permit_id=inspection.permit_id)
                counts["repair_reminded"] += 1
            elif step == "escalate":
                inspection.repair_escalated_at = now
                inspection.save(update_fields=["repair_escalated_at", "updated_at"])
                audit.record(
                    actor=None,
                    obj=inspection.permit,
                    action="repair_late",
                    after={"fix_by": inspection.fix_by},
                )
                notify_later("repair_escalated", permit_id=inspection.permit_id)
                counts["repair_escalated"] += 1
    return counts


def guarantee_watch_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """Closed files whose guarantee period is over with no defect open: their deposit's refund
    is proposed to finance (billing.deposit_refund_propose), once (`guarantee_ended_at`)."""
    today = timezone.localdate(now)
    counts = {"guarantee_ended": 0}
    ended = PermitRequest.objects.filter(
        municipality=municipality,
        status__in=workflow.FINAL,
        guarantee_until__lt=today,
        guarantee_ended_at__isnull=True,
    ).order_by("pk")
    for candidate in ended:
        with transaction.atomic():
            permit = PermitRequest.objects.select_for_update().get(pk=candidate.pk)
            if not guarantee_over(guarantee_until=permit.guarantee_until, today=today):
                continue
            open_defects = permit.inspections.filter(
                result=Inspection.Result.DEFECTS, resolved_at__isnull=True
            )
            if open_defects.exists():
                continue
            permit.guarantee_ended_at = now
            permit.save(update_fields=["guarantee_ended_at", "updated_at"])
            reason = _("Guarantee period of permit %(ref)s ended on %(date)s without defects.") % {
                "ref": permit.reference,
                "date": permit.guarantee_until.strftime("%d.%m.%Y"),
            }
            deposit_refund_propose(
                municipality=municipality,
                source_kind=SOURCE_KIND,
                source_id=permit.pk,
                reason=reason,
                now=now,
            )
            audit.record(actor=None, obj=permit, action="guarantee_ended", comment=reason)
            counts["guarantee_ended"] += 1
    return counts
