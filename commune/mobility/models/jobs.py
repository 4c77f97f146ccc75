"""Long work run by the worker for a person: file imports into the warehouse and intervention
evaluations, with their status, progress and why they failed."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .. import texts


def _import_upload_to(instance: DataImport, filename: str) -> str:
    folder = f"mobility/imports/{instance.municipality_id}/{uuid.uuid4().hex}"
    return f"{folder}/{PurePath(filename).name}"


class BackgroundJob(TenantModel):
    """A long piece of work run by the worker for a person (an import, an evaluation): its
    status and progress for the page that polls it, its error, and the key that makes a form
    submitted twice one job."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # Why it failed, written out when read (texts.py): a key and its parameters. `error` holds
    # the text of jobs that failed before keys were stored (in one language).
    error_key = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error message"), blank=True)
    submission_key = models.UUIDField(
        null=True, blank=True, editable=False, help_text="Makes a form submitted twice one job."
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # While running: the process that runs it ("host:pid") and when it last said it was alive
    # (services/recovery.py finds a job whose process died).
    worker = models.CharField(max_length=255, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def error_message(self) -> str:
        """Why it failed, in the reader's language."""
        return texts.render(self.error_key, self.error_params, fallback=self.error)


class DataImport(BackgroundJob):
    """One file imported into the town's warehouse, from the web page or the CLI: its progress,
    what it added or replaced, and the rows it could not read (file, line, reason)."""

    class Kind(models.TextChoices):
        COUNTS = "counts", _("Counts (counting sites)")
        SITES = "sites", _("Counting sites (metadata)")
        NETWORK_PRESENCE = "network_presence", _("Mobile network: presence per zone")
        NETWORK_OD = "network_od", _("Mobile network: origin–destination trips")
        ZONES = "zones", _("Zones (GeoJSON)")
        GTFS = "gtfs", _("Public transport timetable (GTFS)")

    kind = models.CharField(_("kind of data"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_import_upload_to, blank=True, max_length=300)
    source_name = models.CharField(_("file name"), max_length=300)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Zurich",
        help_text=_("How to read local times without an offset in the file."),
    )
    options = models.JSONField(_("reading options"), default=dict, blank=True)
    rows_imported = models.PositiveBigIntegerField(_("rows imported"), default=0)
    rows_replaced = models.PositiveBigIntegerField(_("rows replaced"), default=0)
    quarantine = models.JSONField(
        _("quarantine report"),
        default=list,
        blank=True,
        help_text=_(
            "Rows that could not be read: a list of {file, line, key, params}, why written out "
            "when read (texts.py; older rows: {file, line, reason})."
        ),
    )
    notes = models.JSONField(
        _("notes"),
        default=list,
        blank=True,
        help_text=_(
            "What the import chose or left out (the day of a timetable, stops far from the "
            "town): a list of {key, params}, written out when read (texts.py)."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    url_kwarg = "import_id"

    #: The quarantine's rows a page shows (the report keeps them all).
    ROWS_SHOWN = 500

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="data_import_progress_max_100"
            ),
            models.UniqueConstraint(
                fields=["municipality", "submission_key"], name="data_import_submission_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.source_name}"

    @property
    def notes_shown(self) -> list[str]:
        """The notes, in the reader's language."""
        return [texts.render(note.get("key", ""), note.get("params")) for note in self.notes]

    @property
    def quarantine_shown(self) -> list[dict]:
        """The first rows of the quarantine, each with why in the reader's language."""
        return [
            {
                "file": row.get("file"),
                "line": row.get("line"),
                "reason": texts.quarantine_reason(row),
            }
            for row in self.quarantine[: self.ROWS_SHOWN]
        ]


class Evaluation(BackgroundJob):
    """An intervention evaluated by difference-in-differences (analytics.evaluation): the
    request (treated and control sites, date, windows), its progress as a background job, and
    the result (pooled and per-site effects with 95 % intervals, French summary)."""

    title = models.CharField(_("title"), max_length=200)
    treated = models.JSONField(_("treated sites"), default=list)
    control = models.JSONField(_("control sites"), default=list)
    intervention_date = models.DateField(_("intervention date"))
    before_days = models.PositiveSmallIntegerField(
        _("days before"), default=56, validators=[MinValueValidator(7), MaxValueValidator(366)]
    )
    after_days = models.PositiveSmallIntegerField(
        _("days after"), default=56, validators=[MinValueValidator(7), MaxValueValidator(366)]
    )
    # one mode per evaluation, never modes summed; empty for those made before modes were
    # asked (all modes summed)
    mode = models.CharField(_("mode"), max_length=20, blank=True, default="")
    result = models.JSONField(_("result"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    url_kwarg = "evaluation_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("intervention evaluation")
        verbose_name_plural = _("intervention evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="evaluation_progress_max_100"
            ),
            models.UniqueConstraint(
                fields=["municipality", "submission_key"], name="evaluation_submission_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title
