"""Uploaded plans and photos: the type is read from the content, the size is limited."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from commune.core.uploads import MIME, validate_upload

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
