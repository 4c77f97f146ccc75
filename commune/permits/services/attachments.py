"""Uploaded plans and photos: the type is read from the content, the size is limited."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.uploads import MIME, validate_upload
from commune.permits import workflow
from commune.permits.models import Attachment, PendingUpload, PermitRequest

from .emergency import emergency_regularised

ALLOWED = {"pdf", "png", "jpeg"}
#: How long the files of a request form not yet saved are kept (tasks.pending_uploads_purge).
PENDING_UPLOAD_HOURS = 24
#: Files one form may hold while it is not saved: a request's plans, not a storage space.
MAX_PENDING_UPLOADS = 20


def attachment_check(upload) -> str:
    """The upload's real MIME type, or ValidationError (code "size", "empty" or "type") whose
    message names the file: too big, or not a PDF/PNG/JPEG."""
    try:
        kind = validate_upload(upload, allowed=ALLOWED)
    except ValidationError as exc:
        raise ValidationError(
            [
                ValidationError(f"{upload.name}: {error.message}", code=error.code)
                for error in exc.error_list
            ]
        ) from exc
    return MIME[kind]


def attachment_add(*, permit: PermitRequest, user, upload, mime: str, purpose: str) -> Attachment:
    """Store one checked upload (type and size checked by attachment_check)."""
    attachment = Attachment(
        municipality=permit.municipality,
        permit=permit,
        name=upload.name[:200],
        mime_type=mime,
        size=upload.size,
        purpose=purpose,
        uploaded_by=user,
    )
    attachment.file.save(f"{uuid.uuid4().hex}-{upload.name[-80:]}", upload, save=False)
    attachment.save()
    if permit.status not in workflow.EDITABLE:
        audit.record(actor=user, obj=permit, action="supplemented", after={"file": upload.name})
    return attachment


@transaction.atomic
def permit_supplement(
    *, permit: PermitRequest, user, uploads: list[tuple[object, str]]
) -> list[Attachment]:
    """Documents added to a submitted request while it is active (a supplement: the request
    itself never changes once submitted)."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    if permit.status not in workflow.SUPPLEMENTABLE:
        raise ValidationError(
            _("Documents can no longer be added to this request."), code="not_supplementable"
        )
    added = [
        attachment_add(permit=permit, user=user, upload=upload, mime=mime, purpose="complement")
        for upload, mime in uploads
    ]
    if added:  # an emergency's file completed: regularised (when its documents came)
        emergency_regularised(permit=permit, at=added[-1].created_at)
    return added


def pending_uploads_of(*, user, form_token) -> list[PendingUpload]:
    """The files `user` sent with the request form `form_token` that is not saved yet."""
    if form_token is None:
        return []
    return list(PendingUpload.objects.filter(user=user, form_token=form_token))


def pending_uploads_keep(
    *, municipality, user, form_token, uploads: list[tuple[object, str]]
) -> list[PendingUpload]:
    """Keep checked uploads (attachment_check) of a form that was not saved, for the same
    user and form: they are attached when it is (pending_uploads_attach). Beyond
    MAX_PENDING_UPLOADS for one form, ValidationError."""
    if not uploads:
        return []
    held = PendingUpload.objects.filter(user=user, form_token=form_token).count()
    if held + len(uploads) > MAX_PENDING_UPLOADS:
        raise ValidationError(
            _("At most %(n)d files can be sent with one request.") % {"n": MAX_PENDING_UPLOADS},
            code="too_many",
        )
    kept = []
    for upload, mime in uploads:
        pending = PendingUpload(
            municipality=municipality,
            user=user,
            form_token=form_token,
            name=upload.name[:200],
            mime_type=mime,
            size=upload.size,
        )
        pending.file.save(f"{uuid.uuid4().hex}-{upload.name[-80:]}", upload, save=False)
        pending.save()
        kept.append(pending)
    return kept


def _pending_delete(pending: PendingUpload) -> None:
    """The row now, its file once the transaction commits (a rollback keeps both)."""
    stored, name = pending.file.storage, pending.file.name
    pending.delete()
    transaction.on_commit(lambda: stored.delete(name))


def pending_upload_remove(*, user, form_token, upload_id: int) -> bool:
    """Remove one of `user`'s pending files of that form; False if there is no such file."""
    pending = PendingUpload.objects.filter(user=user, form_token=form_token, pk=upload_id).first()
    if pending is None:
        return False
    _pending_delete(pending)
    return True


def pending_uploads_attach(*, permit: PermitRequest, user, form_token) -> list[Attachment]:
    """The form's pending files become the request's plans (and leave the pending store)."""
    added = []
    for pending in pending_uploads_of(user=user, form_token=form_token):
        with pending.file.open("rb") as stored:
            upload = File(stored, name=pending.name)
            added.append(
                attachment_add(
                    permit=permit, user=user, upload=upload, mime=pending.mime_type, purpose="plan"
                )
            )
        _pending_delete(pending)
    return added


def pending_uploads_purge(*, municipality, now: dt.datetime) -> int:
    """Delete the town's pending files older than PENDING_UPLOAD_HOURS (forms left unsaved).
    Safe to run twice."""
    cutoff = now - dt.timedelta(hours=PENDING_UPLOAD_HOURS)
    stale = PendingUpload.objects.filter(municipality=municipality, created_at__lt=cutoff)
    count = 0
    for pending in stale:
        _pending_delete(pending)
        count += 1
    return count
