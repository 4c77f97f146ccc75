"""Uploaded plans and photos: the type is read from the content, the size is limited."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def attachment_check(upload) -> str:
    """The upload's real MIME type, or ValidationError (too big, or not a PDF/PNG/JPEG)."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large (%(size)d MB); the limit is %(limit)d MB.")
            % {
                "name": upload.name,
                "size": upload.size // (1024 * 1024),
                "limit": limit // (1024 * 1024),
            },
            code="size",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": upload.name},
            code="type",
        )
    return kind.mime
