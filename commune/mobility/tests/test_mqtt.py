"""End to end against a real Mosquitto: publish → stored exactly once, redelivery after a crash,
broker restart, quarantine."""

import json

import pytest

from commune.mobility.models import QuarantinedMessage, SensorReading
from commune.mobility.mqtt import Subscriber
from commune.tenants.scoping import scope, scopes_disabled

from .conftest import wait_until
from .factories import SensorFactory

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

TOPIC = "commune/pully/sensors/P1/readings"


def reading(value=42, *, ts="2026-03-17T08:15:00+01:00", message_id="m-1", sensor="P1"):
    payload = {"sensor": sensor, "ts": ts, "value": value}
    if message_id is not None:
        payload["id"] = message_id
    return json.dumps(payload)


def readings_of(town):
    with scope(town):
        return list(SensorReading.objects.order_by("measured_at", "id"))


@pytest.fixture
def sensor(town_a):
    return SensorFactory(municipality=town_a, external_id="P1")


def test_published_reading_is_stored(broker, subscribers, town_a, sensor):
    # given
    subscriber = subscribers.start()
    # when
    broker.publish(TOPIC, reading(42, ts="2026-03-17T08:15:00+01:00"))
    # then
    assert wait_until(lambda: subscriber.stats["stored"] == 1)
    [row] = readings_of(town_a)
    assert row.sensor == sensor
    assert row.value == 42
    assert row.measured_at.isoformat() == "2026-03-17T07:15:00+00:00"


def test_same_message_published_twice_is_stored_once(broker, subscribers, town_a, sensor):
    # given
    subscriber = subscribers.start()
    # when: the same id twice, and a message without id sent twice with two spellings of
    # one instant
    broker.publish(TOPIC, reading(10, message_id="abc"))
    broker.publish(TOPIC, reading(10, message_id="abc"))
    broker.publish(TOPIC, reading(7, ts="2026-03-17T10:00:00+01:00", message_id=None))
    broker.publish(TOPIC, reading(7, ts="2026-03-17T09:00:00Z", message_id=None))
    # then
    assert wait_until(lambda: sum(subscriber.stats.values()) == 4)
    assert subscriber.stats == {"stored": 2, "duplicate": 2}
    assert [r.value for r in readings_of(town_a)] == [10, 7]


class CrashesBeforeAck(Subscriber):
    """Stores the message, then 'dies' before it can acknowledge it to the broker."""

    def acknowledge(self, message):
        self.stats["not_acknowledged"] += 1


def test_message_redelivered_after_crash_before_ack_is_stored_once(
    broker, subscribers, town_a, sensor
):
    # given: a subscriber that committed the row but never acknowledged it
    crashing = subscribers.start(CrashesBeforeAck)
    broker.publish(TOPIC, reading(5, message_id="once"))
    assert wait_until(lambda: crashing.stats["not_acknowledged"] == 1)
    subscribers.stop(crashing)
    # when: the subscriber comes back on the same session; the broker redelivers
    restarted = subscribers.start()
    # then: the redelivered copy was received and recognised, not stored again
    assert wait_until(lambda: restarted.stats["duplicate"] == 1)
    assert restarted.sessions_present == [True]
    assert [r.value for r in readings_of(town_a)] == [5]
    # and once acknowledged it is not delivered a third time
    subscribers.stop(restarted)
    again = subscribers.start()
    broker.publish(TOPIC, reading(6, message_id="after"))
    assert wait_until(lambda: again.stats["stored"] == 1)
    assert again.stats["duplicate"] == 0


def test_messages_published_while_subscriber_is_away_after_broker_restart_all_arrive(
    broker, subscribers, town_a, sensor
):
    # given
    subscriber = subscribers.start()
    broker.publish(TOPIC, reading(1, message_id="before-restart"))
    assert wait_until(lambda: subscriber.stats["stored"] == 1)
    # when: the broker restarts, and messages are published before the subscriber is back
    broker.restart()
    published_while_away = not subscriber.connected
    for i in range(2, 7):
        broker.publish(TOPIC, reading(i, message_id=f"during-{i}"))
    published_while_away = published_while_away and not subscriber.connected
    # then: the subscriber reconnected to its kept session and got every queued message
    assert published_while_away, "the subscriber reconnected before the messages were published"
    assert wait_until(lambda: subscriber.stats["stored"] == 6, timeout=15)
    assert subscriber.sessions_present == [False, True]
    assert [r.value for r in readings_of(town_a)] == [1, 2, 3, 4, 5, 6]


MALFORMED = [
    (TOPIC, b"{not json", "bad_json"),
    (TOPIC, b"\xff\xfe", "bad_json"),
    (TOPIC, b"[1, 2]", "bad_json"),
    ("commune/nowhere/sensors/P1/readings", reading(1).encode(), "unknown_town"),
    ("commune/pully/sensors/P9/readings", reading(1, sensor="P9").encode(), "unknown_sensor"),
    (TOPIC, json.dumps({"sensor": "P1", "value": 3}).encode(), "missing_field"),
    (TOPIC, reading("12").encode(), "bad_value"),
    (TOPIC, reading(-1).encode(), "bad_value"),
    (TOPIC, reading(1, ts="2026-03-17T08:15:00").encode(), "bad_timestamp"),
    (TOPIC, reading(1, ts="yesterday").encode(), "bad_timestamp"),
    (TOPIC, reading(1, sensor="P2").encode(), "sensor_mismatch"),
]


def test_malformed_messages_go_to_quarantine_with_their_reason(broker, subscribers, sensor):
    # given
    subscriber = subscribers.start()
    # when
    for topic, payload, _ in MALFORMED:
        broker.publish(topic, payload)
    broker.publish(TOPIC, reading(9, message_id="good"))
    # then: each bad message is kept with its reason, and the good one after them is stored
    assert wait_until(lambda: sum(subscriber.stats.values()) == len(MALFORMED) + 1)
    assert subscriber.stats == {"quarantined": len(MALFORMED), "stored": 1}
    with scopes_disabled():
        reasons = sorted(QuarantinedMessage.objects.values_list("reason", flat=True))
        assert reasons == sorted(reason for _, _, reason in MALFORMED)
        unknown_town = QuarantinedMessage.objects.get(reason="unknown_town")
        assert unknown_town.municipality is None
        assert json.loads(unknown_town.payload)["sensor"] == "P1"
        unknown_sensor = QuarantinedMessage.objects.get(reason="unknown_sensor")
        assert unknown_sensor.municipality == sensor.municipality
        assert unknown_sensor.detail == "P9"
    assert [r.value for r in readings_of(sensor.municipality)] == [9]
