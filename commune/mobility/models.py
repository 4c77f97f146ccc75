"""The observatory's web-side records: real-time sensors and their readings, the quarantine of
unreadable sensor messages, and the history of file imports into the warehouse.

The bulk data (counts, network aggregates, timetables) lives as Parquet in the warehouse
(`warehouse/`); only real-time sensor readings and bookkeeping are rows in the database.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, Municipality, TenantModel
from commune.tenants.scoping import TenantManager

from . import texts


class Sensor(TenantModel):
    """A real-time sensor of the town (parking occupancy, counter) that reports over MQTT."""

    class Kind(models.TextChoices):
        PARKING = "parking", _("Parking occupancy")
        COUNTER = "counter", _("Counter")

    external_id = models.CharField(
        _("sensor id"),
        max_length=100,
        help_text=_("The id the sensor uses in its messages and topic."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Parking spaces, for parking sensors.")
    )
    position = models.PointField(_("position"), srid=LV95, null=True, blank=True)

    url_kwarg = "sensor_id"

    class Meta:
        ordering = ["name"]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "external_id"], name="sensor_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class SensorReading(TenantModel):
    """One value reported by a sensor. `message_key` identifies the MQTT message it came from,
    and is unique per town, so a message the broker delivers twice is stored once."""

    sensor = models.ForeignKey(
        Sensor, on_delete=models.CASCADE, related_name="readings", verbose_name=_("sensor")
    )
    measured_at = models.DateTimeField(_("measured at"))
    value = models.FloatField(_("value"))
    message_key = models.CharField(_("message key"), max_length=255)

    url_kwarg = "reading_id"

    class Meta:
        ordering = ["-measured_at"]
        verbose_name = _("sensor reading")
        verbose_name_plural = _("sensor readings")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "message_key"], name="sensor_reading_message_unique"
            ),
        ]
        indexes = [models.Index(fields=["sensor", "measured_at"])]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.measured_at:%Y-%m-%d %H:%M} {self.value}"


class ReadingsExport(TenantModel):
    """How far the town's sensor readings have been copied to its warehouse: every reading
    stored in the database before `exported_through` is there. Counted on the time a reading
    reached the database, not the time it was measured, so a reading that arrives days late
    (a sensor back online, a broker catching up) is still exported."""

    exported_through = models.DateTimeField(_("exported through"), null=True, blank=True)

    class Meta:
        verbose_name = _("readings export")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="readings_export_one_per_town"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.exported_through}"


class QuarantinedMessage(TenantModel):
    """An MQTT message that could not be stored as a reading, kept with the reason.

    A message naming a town that does not exist has no municipality: such rows are only visible
    with `scopes_disabled()` (platform administration)."""

    class Reason(models.TextChoices):
        BAD_TOPIC = "bad_topic", _("Topic not of the form commune/<town>/sensors/<id>/readings")
        BAD_JSON = "bad_json", _("Not a JSON object")
        UNKNOWN_TOWN = "unknown_town", _("Unknown town")
        UNKNOWN_SENSOR = "unknown_sensor", _("Unknown sensor")
        MISSING_FIELD = "missing_field", _("Missing field")
        BAD_VALUE = "bad_value", _("Value is not a valid number")
        BAD_TIMESTAMP = "bad_timestamp", _("Timestamp is not ISO 8601 with a UTC offset")
        SENSOR_MISMATCH = "sensor_mismatch", _("Sensor in topic and payload differ")
        OVER_CAPACITY = "over_capacity", _("Value beyond the sensor's capacity")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    topic = models.CharField(_("topic"), max_length=500)
    payload = models.TextField(_("payload"), blank=True)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    url_kwarg = "quarantined_id"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("quarantined message")
        verbose_name_plural = _("quarantined messages")

    def __str__(self) -> str:
        return f"{self.topic}: {self.get_reason_display()}"


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


class MobilitySettings(TenantModel):
    """The town's observatory settings: the k of k-anonymity for everything published (no
    published figure comes from fewer than k devices or persons) and the perimeter zones whose
    traffic typology is the headline figure. One row per town, created on first use."""

    k_anonymity = models.PositiveIntegerField(
        _("minimum group size (k)"),
        default=20,
        validators=[MinValueValidator(2)],
        help_text=_("No published figure comes from fewer than k persons."),
    )
    perimeter_zones = models.JSONField(
        _("perimeter zones"),
        default=list,
        blank=True,
        help_text=_("Zone ids of the studied perimeter (e.g. the town centre)."),
    )

    url_kwarg = None

    class Meta:
        verbose_name = _("observatory settings")
        verbose_name_plural = _("observatory settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="mobility_settings_one_per_town"),
            models.CheckConstraint(
                condition=models.Q(k_anonymity__gte=2), name="mobility_settings_k_min_2"
            ),
        ]

    def __str__(self) -> str:
        return f"k = {self.k_anonymity}"


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


class PublicationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("A publication is frozen: it cannot be changed.")


class Publication(TenantModel):
    """The open data of one fixed period (a calendar month, or a calendar week cut at the
    month's edges) for one family of tables (analytics.opendata): made once, when the period is
    over and its data is in, suppressed together with everything published before it, then
    frozen. Never recomputed: a published figure that changed would tell the difference.

    `tables` is what the public side serves. `basis` holds the underlying cells a week was made
    from (its month is made from its weeks' bases): private, never served. `hidden` lists the
    keys of the period's figures that are not published, for the audit of the next period of
    the same block."""

    class Family(models.TextChoices):
        COUNTS = "counts", _("Counting sites")
        OD = "od", _("Origin–destination trips")
        PRESENCE = "presence", _("Presence in zones")

    class Kind(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    family = models.CharField(_("family of tables"), max_length=16, choices=Family.choices)
    kind = models.CharField(_("kind of period"), max_length=8, choices=Kind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    k = models.PositiveIntegerField(_("minimum group size (k)"))
    perimeter = models.JSONField(_("perimeter zones"), default=list, blank=True)
    tables = models.JSONField(_("published tables"), default=dict)
    hidden = models.JSONField(_("suppressed figures"), default=list, blank=True)
    basis = models.JSONField(_("underlying cells (private)"), default=dict, blank=True)

    objects = TenantManager.from_queryset(PublicationQuerySet)()

    url_kwarg = None

    class Meta:
        ordering = ["start", "kind", "family"]
        verbose_name = _("open-data publication")
        verbose_name_plural = _("open-data publications")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "family", "kind", "start"], name="publication_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="publication_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.kind} {self.start}–{self.end}"

    @property
    def made_at(self):
        return self.created_at

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A publication is frozen: it cannot be changed.")
        super().save(*args, **kwargs)
