"""Imports of data files into the town's warehouse: record, run, report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.archives import archive_refusal_message, zip_open_checked
from commune.core.idempotency import owned_key
from commune.core.isolation import child_run
from commune.core.uploads import file_size
from commune.tenants import scoping
from commune.tenants.models import Municipality
from untrusted.archives import ArchiveRefused

from .. import tasks, warehouse
from ..models import DataImport
from ..warehouse.ingest import archive_limits

Status = DataImport.Status


class ImportOptionsError(ValueError):
    """The options given with the file cannot be used (unknown time zone, unknown option)."""


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportOptionsError(_("Unknown time zone: %(tz)s") % {"tz": name}) from None


@transaction.atomic
def import_create(
    *,
    municipality: Municipality,
    kind: str,
    source_name: str,
    file: File | None = None,
    time_zone: str = "Europe/Zurich",
    options: dict | None = None,
    uploaded_by=None,
    submission_key=None,
) -> DataImport:
    """Record a file to import (queued). An uploaded file is kept in the media storage; a file
    imported from the command line stays where it is (only its name is recorded)."""
    _check_time_zone(time_zone)
    data_import = DataImport(
        municipality=municipality,
        kind=kind,
        source_name=Path(source_name).name[:300],
        time_zone=time_zone,
        options=options or {},
        uploaded_by=uploaded_by,
        submission_key=submission_key,
    )
    if file is not None:
        data_import.file.save(Path(source_name).name, file, save=False)
    data_import.save()
    audit.record(
        actor=uploaded_by,
        obj=data_import,
        action="import_queued",
        after={"kind": kind, "file": data_import.source_name},
    )
    return data_import


def import_submit(
    *,
    municipality: Municipality,
    kind: str,
    file: File,
    uploaded_by,
    submission_key,
    time_zone: str = "Europe/Zurich",
    options: dict | None = None,
) -> DataImport:
    """An upload from the web page: record it and run it in the background. The same form sent
    twice (same submission key) gives back the first import instead of a second one. The key
    is the uploader's own (core.idempotency): a colleague's key never returns their import."""
    key = owned_key(owner=uploaded_by, key=submission_key)
    mine = DataImport.objects.filter(submission_key=key, uploaded_by=uploaded_by)
    existing = mine.first()
    if existing is not None:
        return existing
    try:
        data_import = import_create(
            municipality=municipality,
            kind=kind,
            source_name=file.name,
            file=file,
            time_zone=time_zone,
            options=options,
            uploaded_by=uploaded_by,
            submission_key=key,
        )
    except IntegrityError:  # the other copy of the form won the race
        return mine.get()
    transaction.on_commit(
        lambda: tasks.import_run.enqueue(municipality_id=municipality.pk, import_id=data_import.pk)
    )
    return data_import


def _set_progress(data_import: DataImport) -> Callable[[int], None]:
    last = {"value": -1}

    def report(percent: int) -> None:
        percent = max(0, min(99, int(percent)))  # 100 means finished, set at the end
        if percent != last["value"]:
            last["value"] = percent
            DataImport.objects.filter(pk=data_import.pk).update(progress=percent)

    return report


def import_run(
    *,
    data_import: DataImport,
    path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> DataImport:
    """Run a queued import: the pipeline reads the file into the warehouse, rows it cannot read
    go to the report's quarantine. A file in the wrong format fails the import with a message and
    changes nothing in the warehouse. Safe to call twice: only a queued import runs."""
    started = DataImport.objects.filter(pk=data_import.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=0
    )
    data_import.refresh_from_db()
    if not started:
        return data_import
    store_progress = _set_progress(data_import)

    def on_progress(percent: int) -> None:
        store_progress(percent)
        if progress is not None:
            progress(percent)

    on_progress(0)
    source = Path(path) if path is not None else Path(data_import.file.path)
    refusal = _archive_refusal(data_import.kind, source)
    if refusal:
        return _finish_failed(
            data_import, _("The file could not be imported: %(e)s") % {"e": refusal}
        )
    try:
        report = warehouse.import_file(
            municipality=data_import.municipality,
            kind=data_import.kind,
            path=source,
            tz=data_import.time_zone,
            options=data_import.options,
            progress=on_progress,
        )
    except (warehouse.format_error_class(), ValueError, OSError) as exc:
        return _finish_failed(data_import, _format_error_message(exc))
    except warehouse.ImporterUnavailable:
        message = _("This kind of file cannot be imported yet: %(k)s")
        return _finish_failed(data_import, message % {"k": data_import.get_kind_display()})
    except MemoryError:  # past the cap of its child process (import_run_isolated)
        return _finish_failed(data_import, _out_of_memory_message())
    except Exception:
        _finish_failed(data_import, _("The import stopped because of an internal error."))
        raise
    data_import.status = Status.DONE
    data_import.progress = 100
    data_import.rows_imported = report.rows_imported
    data_import.rows_replaced = report.rows_replaced
    data_import.quarantine = [
        {"file": q.file, "line": q.line, "reason": q.reason} for q in report.quarantine
    ]
    data_import.finished_at = timezone.now()
    data_import.save(
        update_fields=[
            "status",
            "progress",
            "rows_imported",
            "rows_replaced",
            "quarantine",
            "finished_at",
            "updated_at",
        ]
    )
    audit.record(
        actor=data_import.uploaded_by,
        obj=data_import,
        action="import_done",
        after={
            "rows_imported": data_import.rows_imported,
            "rows_replaced": data_import.rows_replaced,
            "quarantined": len(data_import.quarantine),
        },
    )
    if progress is not None:
        progress(100)
    return data_import


def _finish_failed(data_import: DataImport, message: str) -> DataImport:
    data_import.status = Status.FAILED
    data_import.error = message
    data_import.finished_at = timezone.now()
    data_import.save(update_fields=["status", "error", "finished_at", "updated_at"])
    audit.record(
        actor=data_import.uploaded_by, obj=data_import, action="import_failed", comment=message
    )
    return data_import


def _archive_refusal(kind: str, source: Path) -> str:
    """Why a zip of this kind is refused (untrusted.archives, from its directory alone, before
    the pipeline reads anything), in the active language; "" when it is not refused."""
    limits = archive_limits(kind)
    if limits is None:
        return ""
    try:
        with zip_open_checked(source, limits):
            return ""
    except ValidationError as exc:
        return exc.messages[0]


def _format_error_message(exc: Exception) -> str:
    """Why the file was refused: an archive refusal (untrusted.archives, raised by the pipeline
    as the cause of its format error) in the town's words, anything else as the pipeline says."""
    refusal = exc.__cause__ if isinstance(exc.__cause__, ArchiveRefused) else None
    detail = archive_refusal_message(refusal) if refusal is not None else str(exc)
    return _("The file could not be imported: %(e)s") % {"e": detail}


def _out_of_memory_message() -> str:
    limit = file_size(settings.IMPORT_MEMORY_LIMIT_BYTES)
    return _(
        "The import needed more memory than the %(limit)s an import may use, and was stopped; "
        "split the file into smaller ones."
    ) % {"limit": limit}


def import_run_isolated(*, data_import: DataImport) -> DataImport:
    """Run a queued import in a child process whose memory is capped
    (settings.IMPORT_MEMORY_LIMIT_BYTES, commune/core/isolation.py), so that one town's file
    never takes down the worker that every town shares. The child records progress and the
    result as import_run() does; a child that dies (killed, out of memory outside Python's
    reach) leaves the import failed with a message in the town's language. Safe to call
    twice: only a queued import runs."""
    if data_import.status != Status.QUEUED:
        return data_import
    outcome = child_run(
        "commune.mobility.services.imports:import_run_child",
        kwargs={"import_id": data_import.pk, "municipality_id": data_import.municipality_id},
        memory_limit=settings.IMPORT_MEMORY_LIMIT_BYTES,
    )
    data_import.refresh_from_db()
    if outcome.ok or data_import.status not in {Status.QUEUED, Status.RUNNING}:
        return data_import
    with translation.override(data_import.municipality.default_language):
        if outcome.out_of_memory:
            message = _out_of_memory_message()
        elif outcome.signal is not None:
            message = _(
                "The import was stopped (signal %(signal)d), most likely for lack of memory; "
                "split the file into smaller ones."
            ) % {"signal": outcome.signal}
        else:
            message = _("The import stopped because of an internal error.")
        return _finish_failed(data_import, message)


def import_run_child(*, import_id: int, municipality_id: int) -> None:
    """The child process's side of import_run_isolated(): the import, in the town's scope and
    language."""
    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality), translation.override(municipality.default_language):
        import_run(data_import=DataImport.objects.get(pk=import_id))
