"""Data files on their way to an import: received whole from the form or in chunks that resume
after a dropped connection (offset, then the SHA-256 of the whole file at the end), previewed
with their column mapping, then imported by the same importer as the command line."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from commune.core import audit
from commune.tenants.models import Municipality
from commune.tenants.scoping import scopes_disabled

from ..models import DataImport, PendingUpload
from .imports import import_create, import_job

Status = PendingUpload.Status
COPY_BYTES = 1 << 20


class UploadRefused(ValueError):
    """An upload that cannot be accepted; the message is for its sender, in their language.
    `offset` is what the server holds when the sender's offset was not it."""

    def __init__(self, message: str, *, offset: int | None = None, status: int = 400):
        super().__init__(message)
        self.offset, self.status = offset, status


def _size(value: int) -> str:
    return str(filesizeformat(value))


def _check_room(*, municipality: Municipality, user, size: int) -> None:
    if size <= 0:
        raise UploadRefused(_("The file is empty."))
    if size > settings.IMPORT_UPLOAD_MAX_BYTES:
        raise UploadRefused(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": _size(size), "limit": _size(settings.IMPORT_UPLOAD_MAX_BYTES)},
            status=413,
        )
    held = (
        PendingUpload.objects.filter(municipality=municipality, uploaded_by=user).aggregate(
            total=Sum("size")
        )["total"]
        or 0
    )
    if held + size > settings.IMPORT_UPLOAD_QUOTA_BYTES:
        raise UploadRefused(
            _(
                "Your uploads not yet imported already hold %(held)s; with this file they would "
                "pass your quota of %(quota)s. Import or remove them first."
            )
            % {"held": _size(held), "quota": _size(settings.IMPORT_UPLOAD_QUOTA_BYTES)},
            status=413,
        )


def upload_start(
    *, municipality: Municipality, user, name: str, size: int, kind: str, time_zone: str
) -> PendingUpload:
    """Open an upload of `size` bytes; its chunks follow (upload_append)."""
    _check_room(municipality=municipality, user=user, size=size)
    upload = PendingUpload.objects.create(
        municipality=municipality,
        uploaded_by=user,
        name=Path(name).name[:300] or "upload",
        size=size,
        kind=kind,
        time_zone=time_zone,
    )
    upload.path.parent.mkdir(parents=True, exist_ok=True)
    upload.path.touch()
    return upload


def upload_append(*, upload: PendingUpload, offset: int, stream, length: int) -> PendingUpload:
    """Write a chunk of `length` bytes read from `stream` at `offset`, which must be what the
    server holds so far (a sender whose connection dropped asks for it and goes on from there).
    Bytes that arrived before a connection dropped are kept."""
    if upload.is_complete:
        raise UploadRefused(_("This upload is already complete."), offset=upload.received)
    if length > settings.IMPORT_UPLOAD_CHUNK_BYTES:
        raise UploadRefused(
            _("A chunk may hold at most %(limit)s.")
            % {"limit": _size(settings.IMPORT_UPLOAD_CHUNK_BYTES)},
            status=413,
        )
    with open(upload.path, "r+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # one chunk at a time, whatever the process
        upload.refresh_from_db(fields=["received", "status"])
        if offset != upload.received:
            raise UploadRefused(
                _("The upload holds %(held)s bytes, not %(offset)s: go on from there.")
                % {"held": upload.received, "offset": offset},
                offset=upload.received,
                status=409,
            )
        if offset + length > upload.size:
            raise UploadRefused(
                _("This chunk goes past the size announced for the file (%(size)s bytes).")
                % {"size": upload.size},
                offset=upload.received,
            )
        fh.truncate(offset)
        fh.seek(offset)
        written = 0
        while written < length:
            block = stream.read(min(COPY_BYTES, length - written))
            if not block:
                break  # the connection dropped: what arrived is kept
            fh.write(block)
            written += len(block)
        fh.flush()
        os.fsync(fh.fileno())
        upload.received = offset + written
        upload.save(update_fields=["received", "updated_at"])
    return upload


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(COPY_BYTES):
            digest.update(block)
    return digest.hexdigest()


def upload_finish(*, upload: PendingUpload, sha256: str) -> PendingUpload:
    """Close an upload whose bytes have all arrived, once they hash to `sha256` (what the
    sender computed); a file that does not is removed, to be sent again."""
    upload.refresh_from_db(fields=["received", "status"])
    if upload.is_complete:
        return upload
    if upload.received != upload.size:
        raise UploadRefused(
            _("The upload holds %(held)s of %(size)s bytes: send the rest first.")
            % {"held": upload.received, "size": upload.size},
            offset=upload.received,
            status=409,
        )
    found = _sha256(upload.path)
    if found != sha256.strip().lower():
        upload_delete(upload=upload)
        raise UploadRefused(
            _("The file arrived damaged (its SHA-256 is not the one sent); send it again."),
            status=422,
        )
    upload.sha256, upload.status = found, Status.COMPLETE
    upload.save(update_fields=["sha256", "status", "updated_at"])
    return upload


def upload_from_form(
    *, municipality: Municipality, user, file, kind: str, time_zone: str
) -> PendingUpload:
    """A file sent whole by the plain form, kept as a complete upload for the preview."""
    upload = upload_start(
        municipality=municipality,
        user=user,
        name=file.name,
        size=file.size,
        kind=kind,
        time_zone=time_zone,
    )
    digest = hashlib.sha256()
    with open(upload.path, "wb") as out:
        for chunk in file.chunks():
            digest.update(chunk)
            out.write(chunk)
    upload.received, upload.sha256, upload.status = file.size, digest.hexdigest(), Status.COMPLETE
    upload.save(update_fields=["received", "sha256", "status", "updated_at"])
    return upload


def upload_delete(*, upload: PendingUpload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.delete()


def import_from_upload(
    *,
    upload: PendingUpload,
    user,
    options: dict,
    time_zone: str,
    submission_key: uuid.UUID | None = None,
) -> DataImport:
    """Start the import of a complete upload with the options chosen on its preview; the file
    moves to the import (it is not copied) and the upload is gone."""
    if not upload.is_complete:
        raise UploadRefused(_("The file has not arrived completely yet."))
    with transaction.atomic():
        data_import = import_create(
            municipality=upload.municipality,
            kind=upload.kind,
            source_name=upload.name,
            time_zone=time_zone,
            options=options,
            uploaded_by=user,
            submission_key=submission_key,
        )
        relative = f"mobility/imports/{upload.municipality_id}/{uuid.uuid4().hex}/{upload.name}"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(upload.path, target)
        data_import.file.name = relative
        data_import.save(update_fields=["file", "updated_at"])
        upload.delete()
        municipality_id, import_id = data_import.municipality_id, data_import.pk
        transaction.on_commit(
            lambda: import_job.enqueue(municipality_id=municipality_id, import_id=import_id)
        )
    return data_import


def uploads_clean(*, now: dt.datetime) -> int:
    """Remove the uploads of every town left alone for IMPORT_UPLOAD_ABANDONED_HOURS (a
    connection that never came back, a preview never imported); returns how many."""
    cutoff = now - dt.timedelta(hours=settings.IMPORT_UPLOAD_ABANDONED_HOURS)
    removed = 0
    with scopes_disabled():
        for upload in PendingUpload.objects.filter(updated_at__lt=cutoff):
            audit.record(
                actor=None,
                obj=upload,
                action="upload_abandoned",
                before={"file": upload.name, "received": upload.received, "size": upload.size},
            )
            upload_delete(upload=upload)
            removed += 1
    return removed
