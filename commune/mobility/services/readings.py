"""Storing real-time sensor messages: each message once, or in quarantine with the reason."""

from __future__ import annotations

import enum

from django.db import transaction

from commune.tenants import scoping
from commune.tenants.models import Municipality

from ..messages import MalformedMessage, parse_message
from ..models import QuarantinedMessage, Sensor, SensorReading

MAX_STORED_PAYLOAD = 10_000
Reason = QuarantinedMessage.Reason


class Outcome(enum.Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


def _payload_text(payload: bytes) -> str:
    return payload[:MAX_STORED_PAYLOAD].decode("utf-8", errors="replace")


def message_quarantine(
    *,
    municipality: Municipality | None,
    topic: str,
    payload: bytes,
    reason: QuarantinedMessage.Reason,
    detail: str = "",
) -> QuarantinedMessage:
    with scoping.scopes_disabled():
        return QuarantinedMessage.objects.create(
            municipality=municipality,
            topic=topic[:500],
            payload=_payload_text(payload),
            reason=reason,
            detail=detail[:500],
        )


@transaction.atomic
def message_receive(*, topic: str, payload: bytes) -> Outcome:
    """Store one MQTT message as a SensorReading exactly once.

    The row and its unique message key are written in one transaction; a message already stored
    (the broker redelivers QoS 1 messages that were not acknowledged) is a DUPLICATE and changes
    nothing. Anything unreadable, or more than the sensor's capacity (5,000 cars in a car park
    of 100 places), goes to the quarantine with its reason. The caller acknowledges
    the message to the broker only after this returns, i.e. after the commit.
    """
    town = None
    try:
        reading = parse_message(topic, payload)
        town = Municipality.objects.filter(slug=reading.town_slug, is_active=True).first()
        if town is None:
            raise MalformedMessage(Reason.UNKNOWN_TOWN, reading.town_slug)
        with scoping.scope(town):
            sensor = Sensor.objects.filter(external_id=reading.sensor_id).first()
            if sensor is None:
                raise MalformedMessage(Reason.UNKNOWN_SENSOR, reading.sensor_id)
            if sensor.capacity is not None and reading.value > sensor.capacity:
                detail = f"value={reading.value!r} > capacity {sensor.capacity}"
                raise MalformedMessage(Reason.OVER_CAPACITY, detail)
            _, created = SensorReading.objects.get_or_create(
                municipality=town,
                message_key=reading.message_key,
                defaults={
                    "sensor": sensor,
                    "measured_at": reading.measured_at,
                    "value": reading.value,
                },
            )
    except MalformedMessage as exc:
        if town is None and exc.town_slug and exc.reason != Reason.UNKNOWN_TOWN:
            town = Municipality.objects.filter(slug=exc.town_slug).first()
        message_quarantine(
            municipality=town, topic=topic, payload=payload, reason=exc.reason, detail=exc.detail
        )
        return Outcome.QUARANTINED
    return Outcome.STORED if created else Outcome.DUPLICATE
