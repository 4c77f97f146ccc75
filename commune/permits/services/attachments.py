"""Uploaded plans and photos: the type is read from the content, the size is limited."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.uploads import MIME, validate_upload
from commune.permits import workflow
from commune.permits.models import Attachment, PermitRequest

from .emergency import emergency_regularised

ALLOWED = {"pdf", "png", "jpeg"}


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
