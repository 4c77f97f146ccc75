"""Reading a sensor message off the wire: topic + JSON payload → a checked reading, or the
reason it cannot be one. Pure functions, no database.

Topic: ``commune/<town-slug>/sensors/<sensor-id>/readings``.
Payload: ``{"sensor": "P12", "ts": "2026-03-17T08:15:00+01:00", "value": 42, "id": "opt"}``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils import timezone

from commune.core.bounds import BadJSON, json_loads_bounded

from .models import QuarantinedMessage

Reason = QuarantinedMessage.Reason

TOPIC_FILTER = "commune/+/sensors/+/readings"
MAX_KEY_PART = 100
#: A reading is from the last ten years and not from further ahead than tomorrow: a clock that
#: far off is broken or hostile, and a reading dated 9999 (or year 1) was stored, then made
#: every export of the town's readings fail on it.
READING_PAST, READING_FUTURE = dt.timedelta(days=3653), dt.timedelta(days=1)
#: No sensor of a town reports a billion (cars in a car park, passages in an interval): such a
#: number (1e308 was stored) is a broken sensor or a hostile sender. A sensor with a capacity
#: is held to it too (services.message_receive).
READING_MAX = 1_000_000_000


class MalformedMessage(ValueError):
    """The message cannot become a reading; `reason` says why, `detail` says where."""

    def __init__(self, reason: Reason, detail: str = "", *, town_slug: str | None = None):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.town_slug = town_slug


@dataclass(frozen=True)
class ParsedReading:
    town_slug: str
    sensor_id: str
    measured_at: dt.datetime
    value: float
    message_id: str | None

    @property
    def message_key(self) -> str:
        """What makes a message unique within a town: its id if the sender gave one, else the
        sensor and the instant measured (in UTC, so two spellings of one instant are equal)."""
        if self.message_id is not None:
            return f"{self.sensor_id}/id/{self.message_id}"
        instant = self.measured_at.astimezone(dt.UTC).isoformat()
        return f"{self.sensor_id}/ts/{instant}"


def topic_parts(topic: str) -> tuple[str, str]:
    """(town slug, sensor id) from a topic, or MalformedMessage."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != "commune" or parts[2] != "sensors" or parts[4] != "readings":
        raise MalformedMessage(Reason.BAD_TOPIC, topic[:200])
    if not parts[1] or not parts[3]:
        raise MalformedMessage(Reason.BAD_TOPIC, topic[:200])
    return parts[1], parts[3]


def parse_timestamp(raw: object, *, now: dt.datetime) -> dt.datetime:
    if not isinstance(raw, str):
        raise MalformedMessage(Reason.BAD_TIMESTAMP, f"ts={raw!r}"[:200])
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise MalformedMessage(Reason.BAD_TIMESTAMP, f"ts={raw!r}"[:200]) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise MalformedMessage(Reason.BAD_TIMESTAMP, f"ts={raw!r} has no UTC offset"[:200])
    if not now - READING_PAST <= value <= now + READING_FUTURE:
        raise MalformedMessage(Reason.BAD_TIMESTAMP, f"ts={raw!r} is too far from now"[:200])
    return value


def parse_value(raw: object) -> float:
    # bool is an int in Python; true/false is not a measurement.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise MalformedMessage(Reason.BAD_VALUE, f"value={raw!r}"[:200])
    value = float(raw)
    if not math.isfinite(value):
        raise MalformedMessage(Reason.BAD_VALUE, f"value={raw!r}"[:200])
    if value < 0:
        raise MalformedMessage(Reason.BAD_VALUE, f"value={raw!r} is negative"[:200])
    if value > READING_MAX:
        raise MalformedMessage(Reason.BAD_VALUE, f"value={raw!r} > {READING_MAX}"[:200])
    return value


def _identifier(raw: object, field: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise MalformedMessage(Reason.MISSING_FIELD, f"{field} must be a string or an integer")
    text = str(raw).strip()
    if not text or len(text) > MAX_KEY_PART:
        raise MalformedMessage(Reason.MISSING_FIELD, f"{field} is empty or too long")
    return text


def parse_message(topic: str, payload: bytes, *, now: dt.datetime | None = None) -> ParsedReading:
    """Check a message completely, its time against `now` (the time it arrived); raise
    MalformedMessage with the first problem found."""
    town_slug, topic_sensor = topic_parts(topic)
    try:
        data = json_loads_bounded(payload.decode("utf-8"))
    except BadJSON as exc:  # deep nesting, bad syntax; NaN and Infinity are not measurements
        reason = Reason.BAD_VALUE if exc.code == "number" else Reason.BAD_JSON
        raise MalformedMessage(reason, str(exc)[:200], town_slug=town_slug) from None
    except UnicodeDecodeError as exc:
        raise MalformedMessage(Reason.BAD_JSON, str(exc)[:200], town_slug=town_slug) from None
    if not isinstance(data, dict):
        raise MalformedMessage(
            Reason.BAD_JSON, f"a {type(data).__name__}, not an object", town_slug=town_slug
        )
    missing = [name for name in ("sensor", "ts", "value") if data.get(name) is None]
    if missing:
        raise MalformedMessage(Reason.MISSING_FIELD, ", ".join(missing), town_slug=town_slug)
    try:
        sensor_id = _identifier(data["sensor"], "sensor")
        if sensor_id != topic_sensor:
            raise MalformedMessage(
                Reason.SENSOR_MISMATCH, f"topic {topic_sensor!r}, payload {sensor_id!r}"[:200]
            )
        measured_at = parse_timestamp(data["ts"], now=now or timezone.now())
        value = parse_value(data["value"])
        message_id = None if data.get("id") is None else _identifier(data["id"], "id")
    except MalformedMessage as exc:
        exc.town_slug = town_slug
        raise
    return ParsedReading(
        town_slug=town_slug,
        sensor_id=sensor_id,
        measured_at=measured_at,
        value=value,
        message_id=message_id,
    )
