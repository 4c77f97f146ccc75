"""After the grant: start, end and reinstatement of the works, extensions, inspection and
closure; the periodic checks for overdue works and permits about to expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits import workflow
from commune.permits.deadlines import add_years
from commune.permits.models import ExtensionRequest, Inspection, PermitRequest, WorkArea
from commune.permits.selectors import permit_settings_get

from .attachments import attachment_add
from .billing import permit_extension_rebill
from .conflicts import conflicts_recompute
from .notify import notify_later

Status = PermitRequest.Status


def _move(
    permit: PermitRequest,
    target: str,
    *,
    actor,
    actor_kind: str,
    action: str,
    guard: Callable[[PermitRequest], None] | None = None,
    **fields,
):
    """Move the locked permit to `target`; `guard` refuses the move (ValidationError) once the
    table allows it."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    workflow.check(permit.status, target, actor=actor_kind)
    if guard is not None:
        guard(permit)
    before = permit.status
    permit.status = target
    for name, value in fields.items():
        setattr(permit, name, value)
    permit.save(update_fields=["status", "updated_at", *fields])
    conflicts_recompute(permit=permit)  # the works end: no longer in anyone's way
    audit.record(
        actor=actor,
        obj=permit,
        action=action,
        before={"status": before},
        after={"status": target, **fields},
    )
    return permit


def _day(value: dt.date | dt.datetime) -> str:
    """A day in the reader's words (a time as its day in the town's time zone)."""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return formats.date_format(value, "DATE_FORMAT")


def _within_validity(now: dt.datetime) -> Callable[[PermitRequest], None]:
    """The works start between the permit's first and last day (in the town's time zone)."""

    def guard(permit: PermitRequest) -> None:
        first, last = permit.planned_start, permit.valid_until or permit.planned_end
        state = workflow.validity_on(timezone.localdate(now), first_day=first, last_day=last)
        if state == workflow.NOT_YET_VALID:
            raise ValidationError(
                _("The works may start from %(date)s, the permit's first day.")
                % {"date": _day(first)},
                code="not_yet_valid",
            )
        if state == workflow.EXPIRED:
            raise ValidationError(
                _(
                    "This permit was valid until %(date)s: ask for an extension before "
                    "starting the works."
                )
                % {"date": _day(last)},
                code="expired",
            )

    return guard


def _after(field: str, message: str, now: dt.datetime) -> Callable[[PermitRequest], None]:
    """The step is not declared before the one it follows (`field`, a time on the permit)."""

    def guard(permit: PermitRequest) -> None:
        previous = getattr(permit, field)
        if not workflow.declared_in_order(previous=previous, at=now):
            raise ValidationError(message % {"date": _day(previous)}, code="before_previous")

    return guard


@transaction.atomic
def works_start(*, permit: PermitRequest, applicant, now: dt.datetime) -> PermitRequest:
    """The applicant declares the start, refused before the permit's first day (saying from
    when) and after its last (an extension is asked first)."""
    return _move(
        permit,
        Status.WORKS_STARTED,
        actor=applicant,
        actor_kind=workflow.APPLICANT,
        action="works_started",
        guard=_within_validity(now),
        works_started_at=now,
    )


@transaction.atomic
def works_end(*, permit: PermitRequest, applicant, now: dt.datetime) -> PermitRequest:
    message = _("The end of the works cannot be before their start (%(date)s).")
    return _move(
        permit,
        Status.WORKS_ENDED,
        actor=applicant,
        actor_kind=workflow.APPLICANT,
        action="works_ended",
        guard=_after("works_started_at", message, now),
        works_ended_at=now,
    )


@transaction.atomic
def works_reinstate(
    *, permit: PermitRequest, applicant, photos: list[tuple[object, str]], now: dt.datetime
) -> PermitRequest:
    """The applicant declares the street restored, with photos."""
    if not photos:
        raise ValidationError({"photos": _("Add at least one photo of the restored street.")})
    message = _("The reinstatement cannot be before the end of the works (%(date)s).")
    permit = _move(
        permit,
        Status.REINSTATED,
        actor=applicant,
        actor_kind=workflow.APPLICANT,
        action="reinstated",
        guard=_after("works_ended_at", message, now),
        reinstated_at=now,
    )
    for upload, mime in photos:
        attachment_add(
            permit=permit, user=applicant, upload=upload, mime=mime, purpose="reinstatement"
        )
    return permit


@transaction.atomic
def inspection_record(
    *,
    permit: PermitRequest,
    inspector,
    result: str,
    notes: str,
    fix_by: dt.date | None,
    now: dt.datetime,
) -> Inspection:
    """Accepted → the file closes and the guarantee runs; defects → fixed by a deadline."""
    today = timezone.localdate(now)
    if result == Inspection.Result.DEFECTS:
        if fix_by is None or fix_by <= today:
            raise ValidationError({"fix_by": _("Give a deadline in the future for the repairs.")})
        if not notes.strip():
            raise ValidationError({"notes": _("Describe the defects.")})
        permit = _move(
            permit,
            Status.INSPECTED_DEFECTS,
            actor=inspector,
            actor_kind=workflow.OFFICER,
            action="inspected_defects",
        )
    else:
        settings = permit_settings_get(municipality=permit.municipality)
        guarantee = add_years(today, settings.guarantee_years)
        permit = _move(
            permit,
            Status.CLOSED,
            actor=inspector,
            actor_kind=workflow.OFFICER,
            action="inspected_closed",
            closed_at=now,
            guarantee_until=guarantee,
        )
    if result == Inspection.Result.ACCEPTED:  # the repairs are accepted: defects resolved
        Inspection.objects.filter(
            permit=permit, result=Inspection.Result.DEFECTS, resolved_at__isnull=True
        ).update(resolved_at=now)
    inspection = Inspection.objects.create(
        municipality=permit.municipality,
        permit=permit,
        inspector=inspector,
        inspected_on=today,
        result=result,
        notes=notes,
        fix_by=fix_by if result == Inspection.Result.DEFECTS else None,
    )
    notify_later("inspection", permit_id=permit.pk)
    return inspection


@transaction.atomic
def extension_request(
    *, permit: PermitRequest, applicant, new_end: dt.date, reason: str
) -> ExtensionRequest:
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    if permit.status not in workflow.EXTENDABLE:
        raise ValidationError(_("An extension can only be asked for granted works."))
    if new_end <= permit.planned_end:
        raise ValidationError({"new_end": _("The new end must be after the current end.")})
    if permit.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError(_("An extension request is already waiting for a decision."))
    extension = ExtensionRequest.objects.create(
        municipality=permit.municipality, permit=permit, new_end=new_end, reason=reason
    )
    audit.record(
        actor=applicant, obj=permit, action="extension_requested", after={"new_end": new_end}
    )
    notify_later("ready_for_decision", permit_id=permit.pk)
    return extension


@transaction.atomic
def extension_decide(
    *, extension: ExtensionRequest, officer, accept: bool, now: dt.datetime
) -> ExtensionRequest:
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        return extension
    permit = extension.permit
    extension.status = (
        ExtensionRequest.Status.ACCEPTED if accept else ExtensionRequest.Status.REFUSED
    )
    extension.decided_by, extension.decided_at = officer, now
    extension.save()
    if accept:
        before = permit.planned_end
        permit.planned_end = permit.valid_until = extension.new_end
        permit.overdue_flagged_at = permit.expiry_reminded_at = None
        permit.save(
            update_fields=[
                "planned_end",
                "valid_until",
                "overdue_flagged_at",
                "expiry_reminded_at",
                "updated_at",
            ]
        )
        WorkArea.objects.filter(permit=permit).update(ends_on=extension.new_end)
        conflicts_recompute(permit=permit)
        permit_extension_rebill(permit=permit, extension=extension, now=now, actor=officer)
        audit.record(
            actor=officer,
            obj=permit,
            action="extension_accepted",
            before={"planned_end": before},
            after={"planned_end": extension.new_end},
        )
    else:
        audit.record(actor=officer, obj=permit, action="extension_refused")
    notify_later("extension_decided", permit_id=permit.pk, extension_id=extension.pk)
    return extension


def works_watch_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """Flag works past their end without a completion notice; remind applicants before the
    permit expires. Timestamped, so running twice sends nothing new."""
    settings = permit_settings_get(municipality=municipality)
    today = timezone.localdate(now)
    counts = {"overdue": 0, "expiry": 0}
    overdue = PermitRequest.objects.filter(
        status__in=workflow.AUTHORISES_WORKS,
        planned_end__lt=today,
        overdue_flagged_at__isnull=True,
    )
    for permit in overdue:
        with transaction.atomic():
            permit.overdue_flagged_at = now
            permit.save(update_fields=["overdue_flagged_at", "updated_at"])
            audit.record(actor=None, obj=permit, action="works_overdue")
            notify_later("overdue", permit_id=permit.pk)
            counts["overdue"] += 1
    expiring = PermitRequest.objects.filter(
        status__in=workflow.AUTHORISES_WORKS,
        valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=settings.expiry_reminder_days),
        expiry_reminded_at__isnull=True,
    )
    for permit in expiring:
        with transaction.atomic():
            permit.expiry_reminded_at = now
            permit.save(update_fields=["expiry_reminded_at", "updated_at"])
            notify_later("expiry_reminder", permit_id=permit.pk)
            counts["expiry"] += 1
    return counts
