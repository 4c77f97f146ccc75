"""Real-time sensors (parking occupancy, counters), their readings over MQTT, how far the
readings were copied to the warehouse, and the quarantine of unreadable messages."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, Municipality, TenantModel


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
