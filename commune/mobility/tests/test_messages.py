"""Reading a message: the checks that decide between a reading and the quarantine."""

import datetime as dt
import json

import pytest

from commune.mobility.messages import MalformedMessage, parse_message

TOPIC = "commune/pully/sensors/P1/readings"


def payload(**fields) -> bytes:
    base = {"sensor": "P1", "ts": "2026-03-29T03:30:00+02:00", "value": 3}
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...}).encode()


def test_a_good_message_gives_town_sensor_instant_and_value():
    # when
    reading = parse_message(TOPIC, payload(id=17, value=12.5))
    # then
    assert reading.town_slug == "pully"
    assert reading.sensor_id == "P1"
    assert reading.measured_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert reading.value == 12.5
    assert reading.message_key == "P1/id/17"


def test_without_id_the_key_is_sensor_and_instant_in_utc():
    # given: one instant written with two offsets
    summer = parse_message(TOPIC, payload(ts="2026-03-29T03:30:00+02:00"))
    utc = parse_message(TOPIC, payload(ts="2026-03-29T01:30:00Z"))
    # then
    assert summer.message_key == utc.message_key == "P1/ts/2026-03-29T01:30:00+00:00"


@pytest.mark.parametrize(
    ("topic", "body", "reason"),
    [
        ("commune/pully/sensors/P1", payload(), "bad_topic"),
        ("other/pully/sensors/P1/readings", payload(), "bad_topic"),
        (TOPIC, b"", "bad_json"),
        (TOPIC, b'"just a string"', "bad_json"),
        (TOPIC, payload(sensor=...), "missing_field"),
        (TOPIC, payload(value=None), "missing_field"),
        (TOPIC, payload(sensor=["P1"]), "missing_field"),
        (TOPIC, payload(value=True), "bad_value"),
        (TOPIC, payload(value="3"), "bad_value"),
        (TOPIC, payload(value=-0.5), "bad_value"),
        (TOPIC, b'{"sensor": "P1", "ts": "2026-03-29T01:30:00Z", "value": NaN}', "bad_value"),
        (TOPIC, payload(ts="2026-03-29 03:30"), "bad_timestamp"),
        (TOPIC, payload(ts=1774748200), "bad_timestamp"),
        (TOPIC, payload(ts="2026-02-30T10:00:00+01:00"), "bad_timestamp"),
        (TOPIC, payload(id={"n": 1}), "missing_field"),
        (TOPIC, payload(sensor="P2"), "sensor_mismatch"),
    ],
)
def test_malformed_message_names_its_reason(topic, body, reason):
    with pytest.raises(MalformedMessage) as caught:
        parse_message(topic, body)
    assert caught.value.reason == reason
