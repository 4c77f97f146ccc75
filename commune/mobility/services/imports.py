"""Imports of data files into the town's warehouse: record, run, report."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from commune.core import audit
from commune.core.archives import zip_open_checked
from commune.core.idempotency import owned_key
from commune.core.isolation import child_run
from commune.tenants import scoping
from commune.tenants.models import Municipality
from untrusted.archives import ArchiveRefused

from .. import selectors, warehouse
from ..models import DataImport
from ..warehouse.ingest import archive_limits
from .heartbeat import heartbeat

Status = DataImport.Status


logger = logging.getLogger(__name__)


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
        lambda: import_job.enqueue(municipality_id=municipality.pk, import_id=data_import.pk)
    )
    return data_import


@task()
def import_job(*, municipality_id: int, import_id: int) -> str:
    """The background job of import_submit(): a queued import, run in a child process with its
    memory capped (a second run of a finished import does nothing)."""
    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality):
        data_import = DataImport.objects.get(pk=import_id)
        return import_run_isolated(data_import=data_import).status


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
    today: dt.date | None = None,
    follow_up: bool = True,
) -> DataImport:
    """Run a queued import: the pipeline reads the file into the warehouse, rows it cannot read
    go to the report's quarantine. A file in the wrong format fails the import with a message and
    changes nothing in the warehouse. Safe to call twice: only a queued import runs. `today`
    (default: the town's date now) picks a timetable's day when none was given. With
    `follow_up` the town's rollups and observatory page are brought up to date (_follow_up)."""
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
    if refusal is not None:
        return _finish_failed(data_import, "import.refused", **refusal)
    try:
        with heartbeat(data_import):
            report = warehouse.import_file(
                municipality=data_import.municipality,
                kind=data_import.kind,
                path=source,
                tz=data_import.time_zone,
                options=data_import.options,
                progress=on_progress,
                today=today or timezone.localdate(),
            )
    except warehouse.format_error_class() as exc:
        return _finish_failed(data_import, "import.refused", code=exc.code, **exc.params)
    except warehouse.UnknownOptions as exc:
        return _finish_failed(data_import, "import.options", names=", ".join(exc.names))
    except (ValueError, OSError) as exc:
        return _finish_failed(data_import, "import.unreadable", e=str(exc))
    except warehouse.ImporterUnavailable:
        return _finish_failed(data_import, "import.unavailable", kind=data_import.kind)
    except MemoryError:  # past the cap of its child process (import_run_isolated)
        return _finish_failed(data_import, "import.memory", limit=_memory_limit())
    except Exception:
        _finish_failed(data_import, "import.internal")
        raise
    data_import.status = Status.DONE
    data_import.progress = 100
    data_import.rows_imported = report.rows_imported
    data_import.rows_replaced = report.rows_replaced
    data_import.quarantine = [
        {"file": q.file, "line": q.line, "key": q.code, "params": q.params}
        for q in report.quarantine
    ]
    data_import.notes = [{"key": n.code, "params": n.params} for n in report.notes]
    data_import.finished_at = timezone.now()
    data_import.save(
        update_fields=[
            "status",
            "progress",
            "rows_imported",
            "rows_replaced",
            "quarantine",
            "notes",
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
    if follow_up:
        _follow_up(data_import.municipality)
    if progress is not None:
        progress(100)
    return data_import


def _follow_up(municipality: Municipality) -> None:
    """After an import, on the configured engine: the town's rollups of the new data, then the
    observatory's default page computed for it. An import never fails on either (the page reads
    the rows raw until the hourly job has refreshed the rollups, and computes itself)."""
    try:
        warehouse.rollups_refresh(municipality=municipality)
    except Exception:
        logger.exception("rollups of town %s not refreshed after an import", municipality.pk)
    try:
        selectors.observatory_warm(municipality=municipality)
    except Exception:
        logger.exception("observatory not warmed after an import of town %s", municipality.pk)


def _follows_up_in_child() -> bool:
    """Whether an import's child process brings the rollups up to date itself: on DuckDB, in
    the child, under its memory cap; on Spark the worker does it once the child is done (a JVM
    does not start under the child's cap, and the cluster does the work)."""
    return settings.ANALYTICS_ENGINE == "duckdb"


def _finish_failed(data_import: DataImport, key: str, **params) -> DataImport:
    """Failed, and why as a key and parameters (texts.py), written out for each reader; the
    trail keeps the sentence as it read then, in the active language."""
    data_import.status = Status.FAILED
    data_import.error_key, data_import.error_params = key, params
    data_import.finished_at = timezone.now()
    data_import.save(
        update_fields=["status", "error_key", "error_params", "finished_at", "updated_at"]
    )
    audit.record(
        actor=data_import.uploaded_by,
        obj=data_import,
        action="import_failed",
        comment=data_import.error_message,
    )
    return data_import


def _archive_refusal(kind: str, source: Path) -> dict | None:
    """Why a zip of this kind is refused (untrusted.archives, from its directory alone, before
    the pipeline reads anything), as the parameters of "import.refused"; None when it is not."""
    limits = archive_limits(kind)
    if limits is None:
        return None
    try:
        with zip_open_checked(source, limits):
            return None
    except ValidationError as exc:
        refusal = exc.__cause__
        figures = refusal.params if isinstance(refusal, ArchiveRefused) else {}
        code = refusal.code if isinstance(refusal, ArchiveRefused) else "damaged"
        return {"code": "archive_refused", "file": source.name, "refusal": code, **figures}


def _memory_limit() -> int:
    return settings.IMPORT_MEMORY_LIMIT_BYTES


def import_run_isolated(*, data_import: DataImport) -> DataImport:
    """Run a queued import in a child process whose memory is capped
    (settings.IMPORT_MEMORY_LIMIT_BYTES, commune/core/isolation.py), so that one town's file
    never takes down the worker that every town shares. The child records progress and the
    result as import_run() does; a child that dies (killed, out of memory outside Python's
    reach) leaves the import failed with a reason its readers read in their language. Safe to
    call twice: only a queued import runs."""
    if data_import.status != Status.QUEUED:
        return data_import
    outcome = child_run(
        "commune.mobility.services.imports:import_run_child",
        kwargs={"import_id": data_import.pk, "municipality_id": data_import.municipality_id},
        memory_limit=settings.IMPORT_MEMORY_LIMIT_BYTES,
    )
    data_import.refresh_from_db()
    if outcome.ok and data_import.status == Status.DONE and not _follows_up_in_child():
        _follow_up(data_import.municipality)
    if outcome.ok or data_import.status not in {Status.QUEUED, Status.RUNNING}:
        return data_import
    # the child died: a merge it left halfway is undone (analytics.store.recover)
    warehouse.warehouse_recover(municipality_id=data_import.municipality_id)
    with translation.override(data_import.municipality.default_language):
        if outcome.out_of_memory:
            return _finish_failed(data_import, "import.memory", limit=_memory_limit())
        if outcome.signal is not None:
            return _finish_failed(data_import, "import.signal", signal=outcome.signal)
        return _finish_failed(data_import, "import.internal")


def import_run_child(*, import_id: int, municipality_id: int) -> None:
    """The child process's side of import_run_isolated(): the import, in the town's scope and
    language."""
    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality), translation.override(municipality.default_language):
        import_run(
            data_import=DataImport.objects.get(pk=import_id), follow_up=_follows_up_in_child()
        )
