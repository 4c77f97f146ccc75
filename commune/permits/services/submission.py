"""Drafts, supplements and the submission: checks, reference number, findings, routing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.accounts.models import Organisation
from commune.core import audit
from commune.core.idempotency import fingerprint, owned_key
from commune.permits import workflow
from commune.permits.disclosure import ShownFinding
from commune.permits.models import Finding, PermitRequest, PermitSettings, WorkArea
from commune.permits.models.texts import Audience
from commune.permits.selectors import permit_settings_get

from . import checks
from .attachments import attachment_add, pending_uploads_attach
from .conflicts import conflicts_recompute
from .decision import permit_grant_if_routine
from .geometry import AreaSpec, check_inside_territory
from .location import permit_location_set
from .notify import notify_later
from .request_input import PermitRequestIn, permit_request_clean
from .review import reviews_settle
from .routing import permit_route

Status = PermitRequest.Status

DRAFT_FIELDS = [
    "organisation",
    "contact_phone",
    "site_manager_name",
    "site_manager_phone",
    "invoice_address",
    "kind",
    "description",
    "is_emergency",
    "road_closure",
    "pavement_closure",
    "parking_places_removed",
    "diversion",
    "road_category",
    "planned_start",
    "planned_end",
]


def reference_prefix(slug: str) -> str:
    """Three letters for the town: its initial then its consonants (pully → PLY)."""
    letters = re.sub(r"[^a-z]", "", slug.lower())
    picked = letters[:1]
    for ch in letters[1:]:
        if ch not in "aeiou" and ch not in picked:
            picked += ch
    return (picked + letters[1:])[:3].upper()


def area_dug_m2(spec: AreaSpec) -> float:
    """The surface the fee is computed on, to the cm²: a trench's length × its width (its
    buffered outline is only its footprint for the spatial checks: its rounded bends would
    count a few cm² more), an area's own surface."""
    if spec.width_m:
        return round(spec.drawn.length * float(spec.width_m), 2)
    return round(spec.area_m2, 2)


def _areas_replace(permit: PermitRequest, specs: list[AreaSpec]) -> None:
    permit.areas.all().delete()
    WorkArea.objects.bulk_create(
        [
            WorkArea(
                municipality=permit.municipality,
                permit=permit,
                drawn=spec.drawn,
                width_m=spec.width_m,
                geometry=spec.polygon,
                area_m2=area_dug_m2(spec),
                length_m=round(spec.length_m, 2),
                starts_on=permit.planned_start,
                ends_on=permit.planned_end,
            )
            for spec in specs
        ]
    )
    permit_location_set(permit=permit)  # the street of the works (services/location.py)


def _dates_check(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError(
            {"planned_end": _("The end of the works must be on or after their start.")}
        )


class SubmissionKeyReused(ValidationError):
    """The owner's key came again with other data: the first request stands, nothing else is
    saved. Each interface says so in its own words (a form's message, an API 422)."""

    def __init__(self, permit: PermitRequest):
        self.permit = permit
        super().__init__(
            _("This submission was already made with other data (request %(ref)s).")
            % {"ref": permit},
            code="submission_key_reused",
        )


def _upload_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def submission_fingerprint(*, data: dict, areas: list[AreaSpec], uploads=()) -> str:
    """What a submission asks for, as one hash: its fields, its work areas as drawn and its
    files' contents. The same form sent twice has the same one; any change gives another."""

    def plain(value):
        return value.pk if isinstance(value, models.Model) else value

    return fingerprint(
        {
            "fields": {name: plain(data.get(name)) for name in DRAFT_FIELDS},
            "areas": [[spec.drawn.hexewkb.decode(), spec.width_m] for spec in areas],
            "files": [[u.name, u.size, _upload_digest(u)] for u, _mime in uploads],
        }
    )


def permit_for_submission(*, key: uuid.UUID, owner, digest: str) -> PermitRequest | None:
    """The request `owner` (a user, or an organisation through the API) already made with
    `key`, or None. Only the owner's own keys are looked at: the stored key is derived from
    the owner, so a key someone else chose never finds their request. The same key with other
    data raises SubmissionKeyReused (rows from before fingerprints were kept have none)."""
    mine = {"organisation": owner} if isinstance(owner, Organisation) else {"applicant": owner}
    stored = owned_key(owner=owner, key=key)
    existing = PermitRequest.objects.filter(submission_key=stored, **mine).first()
    if existing is None:
        return None
    if existing.submission_hash and existing.submission_hash != digest:
        raise SubmissionKeyReused(existing)
    return existing


@transaction.atomic
def permit_draft_save(
    *,
    municipality,
    applicant,
    data: dict,
    areas: list[AreaSpec],
    uploads: list[tuple[object, str]] = (),
    submission_key: uuid.UUID | str | None = None,
    key_owner=None,
    permit: PermitRequest | None = None,
    pending_token: uuid.UUID | None = None,
) -> PermitRequest:
    """Create or update a draft with its work areas and attachments (`uploads`, and the files
    kept for the form `pending_token` when it came back with an error). The same
    `submission_key` sent again by its owner with the same data returns the request already
    made (a double click, a retry); with other data it raises SubmissionKeyReused. The owner
    is the applicant, or `key_owner` (the organisation whose API token sent the key)."""
    owner = key_owner or applicant
    digest = ""
    if submission_key is not None and permit is None:
        digest = submission_fingerprint(data=data, areas=areas, uploads=uploads)
        existing = permit_for_submission(key=submission_key, owner=owner, digest=digest)
        if existing is not None:
            return existing
    if permit is not None:
        permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
        if permit.status not in workflow.EDITABLE:
            raise ValidationError(_("A submitted request cannot be edited, only supplemented."))
    _dates_check(data["planned_start"], data["planned_end"])
    check_inside_territory(areas, municipality.territory)
    if permit is None:
        permit = PermitRequest(municipality=municipality, applicant=applicant)
        if submission_key is not None:
            permit.submission_key = owned_key(owner=owner, key=submission_key)
            permit.submission_hash = digest
    for name in DRAFT_FIELDS:
        if name in data:
            setattr(permit, name, data[name])
    try:
        with transaction.atomic():
            permit.save()
    except IntegrityError:  # the same submission, sent twice at once: the other one won
        existing = None
        if submission_key is not None:
            existing = permit_for_submission(key=submission_key, owner=owner, digest=digest)
        if existing is None:
            raise
        return existing
    _areas_replace(permit, areas)
    for upload, mime in uploads:
        attachment_add(permit=permit, user=applicant, upload=upload, mime=mime, purpose="plan")
    pending_uploads_attach(permit=permit, user=applicant, form_token=pending_token)
    audit.record(actor=applicant, obj=permit, action="draft_saved")
    return permit


def _reference_assign(permit: PermitRequest, today: dt.date) -> None:
    PermitSettings.objects.select_for_update().filter(municipality=permit.municipality).exists()
    last = PermitRequest.objects.filter(year=today.year).aggregate(n=Max("sequence"))["n"] or 0
    permit.year, permit.sequence = today.year, last + 1
    prefix = reference_prefix(permit.municipality.slug)
    permit.reference = f"{prefix}-{today.year}-{permit.sequence:04d}"


def permit_request_check(
    *, municipality, applicant, data: dict, areas: list[AreaSpec], today: dt.date
) -> list[ShownFinding]:
    """What submitting this request today would find, as its applicant reads it (minimum
    notice, moratoria, conflicts, coordination, an emergency), before anything is submitted.
    The same checks as permit_submit(): the request and its areas are written in a savepoint,
    checked by checks.findings_compute(), and rolled back — nothing is kept."""
    settings = permit_settings_get(municipality=municipality)
    with transaction.atomic():
        permit = PermitRequest(municipality=municipality, applicant=applicant)
        for name in DRAFT_FIELDS:
            if name in data:
                setattr(permit, name, data[name])
        permit.notice_respected = permit.is_emergency or checks.notice_respected(
            submitted_on=today,
            start=permit.planned_start,
            days=settings.minimum_notice_days,
            canton=municipality.canton,
        )
        permit.save()
        WorkArea.objects.bulk_create(
            [
                WorkArea(
                    municipality=municipality,
                    permit=permit,
                    drawn=spec.drawn,
                    width_m=spec.width_m,
                    geometry=spec.polygon,
                    area_m2=area_dug_m2(spec),
                    length_m=round(spec.length_m, 2),
                    starts_on=permit.planned_start,
                    ends_on=permit.planned_end,
                )
                for spec in areas
            ]
        )
        shown = []
        for finding in checks.findings_compute(permit=permit, settings=settings, today=today):
            text = finding.text_for(Audience.APPLICANT)
            if text is not None:
                label = str(finding.get_kind_display())
                shown.append(ShownFinding(finding.kind, label, text, finding.geometry))
        transaction.set_rollback(True)
    return shown


@transaction.atomic
def permit_submit(*, permit: PermitRequest, applicant, now: dt.datetime) -> PermitRequest:
    """Submit a draft: re-check it, number it, record the findings, route it to the services
    and grant it at once when it is routine and needs no review. Submitting twice is a
    no-op: the row is locked and the status guard lets only the first one through."""
    settings = permit_settings_get(municipality=permit.municipality)
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    if permit.status not in workflow.EDITABLE:
        return permit
    workflow.check(permit.status, Status.SUBMITTED, actor=workflow.APPLICANT)
    areas = list(permit.areas.all())
    if not areas:
        raise ValidationError({"geometry": _("Draw at least one work area.")})
    _dates_check(permit.planned_start, permit.planned_end)
    town = permit.municipality
    for area in areas:
        if not town.territory.contains(area.geometry):
            raise ValidationError(
                {"geometry": _("The work area lies (partly) outside the municipality's territory.")}
            )
    today = timezone.localdate(now)
    if permit.planned_start < today and not permit.is_emergency:
        raise ValidationError(
            {"planned_start": _("The works cannot start in the past unless they are an emergency.")}
        )
    permit.notice_respected = permit.is_emergency or checks.notice_respected(
        submitted_on=today,
        start=permit.planned_start,
        days=settings.minimum_notice_days,
        canton=town.canton,
    )
    permit.regularise_by = now + dt.timedelta(hours=48) if permit.is_emergency else None
    _reference_assign(permit, today)
    permit.status = Status.SUBMITTED
    permit.submitted_at = now
    permit.save()
    WorkArea.objects.filter(permit=permit).update(
        starts_on=permit.planned_start, ends_on=permit.planned_end
    )
    findings = checks.findings_compute(permit=permit, settings=settings, today=today)
    Finding.objects.bulk_create(findings)
    conflicts_recompute(permit=permit)  # the other files in conflict name this one too
    audit.record(
        actor=applicant,
        obj=permit,
        action="submit",
        before={"status": Status.DRAFT},
        after={
            "status": permit.status,
            "reference": permit.reference,
            "notice_respected": permit.notice_respected,
            "findings": [f.kind for f in findings],
        },
    )
    notify_later("submitted", permit_id=permit.pk)
    for finding in findings:
        if finding.kind == Finding.Kind.COORDINATION:
            notify_later(
                "coordination", permit_id=finding.other_permit_id, other_permit_id=permit.pk
            )
            notify_later(
                "coordination", permit_id=permit.pk, other_permit_id=finding.other_permit_id
            )
    tasks = permit_route(permit=permit, settings=settings, today=today)
    if not tasks and permit_grant_if_routine(permit=permit, now=now):
        return permit
    permit.status = Status.IN_REVIEW
    permit.save(update_fields=["status", "updated_at"])
    if not tasks:
        reviews_settle(permit=permit, now=now)
    return permit


@transaction.atomic
def permit_file(
    *,
    municipality,
    applicant,
    organisation,
    request: PermitRequestIn,
    submission_key: str | None,
    now: dt.datetime,
) -> tuple[PermitRequest, bool]:
    """Save and submit in one step, for `organisation`'s systems (the API): `request` checked
    by the input schema, then against the town (request_input.permit_request_clean), once per
    key of the organisation's. Returns (request, True) the first time, (the same request,
    False) when the same key comes again with the same data; SubmissionKeyReused with other
    data. A request that fails its checks leaves nothing behind."""
    clean = permit_request_clean(
        municipality=municipality, request=request, organisation=organisation
    )
    data, areas = clean.data, clean.areas
    if submission_key is not None:
        digest = submission_fingerprint(data=data, areas=areas)
        existing = permit_for_submission(key=submission_key, owner=organisation, digest=digest)
        if existing is not None:
            return existing, False
    permit = permit_draft_save(
        municipality=municipality,
        applicant=applicant,
        data=data,
        areas=areas,
        submission_key=submission_key,
        key_owner=organisation,
    )
    created = permit.status in workflow.EDITABLE  # not a twin call's, submitted already
    return permit_submit(permit=permit, applicant=applicant, now=now), created


@transaction.atomic
def permit_withdraw(*, permit: PermitRequest, applicant, now: dt.datetime) -> PermitRequest:
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    workflow.check(permit.status, Status.WITHDRAWN, actor=workflow.APPLICANT)
    before = permit.status
    permit.status = Status.WITHDRAWN
    permit.save(update_fields=["status", "updated_at"])
    conflicts_recompute(permit=permit)
    audit.record(
        actor=applicant,
        obj=permit,
        action="withdraw",
        before={"status": before},
        after={"status": permit.status},
    )
    return permit
