"""Sensor messages whose value or time cannot be true go to the quarantine with their reason:
more cars than the car park has places, a number no sensor reports, a time far from when the
message arrived. What is stored is what the sensors can have measured."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from commune.mobility.models import QuarantinedMessage, Sensor, SensorReading
from commune.mobility.services.readings import Outcome, message_receive
from commune.tenants.scoping import scope

from .factories import SensorFactory

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
CAR_PARK = "commune/pully/sensors/P1/readings"
COUNTER = "commune/pully/sensors/C1/readings"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def sensors(town_a):
    with scope(town_a):
        SensorFactory(municipality=town_a, external_id="P1", capacity=100)
        SensorFactory(
            municipality=town_a, external_id="C1", kind=Sensor.Kind.COUNTER, capacity=None
        )
    return town_a


def message(sensor: str, value, ts: str = "2026-12-04T09:00:00+00:00", **extra) -> bytes:
    return json.dumps({"sensor": sensor, "ts": ts, "value": value, **extra}).encode()


def stored(town) -> list[tuple[str, float]]:
    with scope(town):
        return [(r.sensor.external_id, r.value) for r in SensorReading.objects.order_by("value")]


def quarantined(town) -> list[tuple[str, str]]:
    with scope(town):
        return list(QuarantinedMessage.objects.order_by("id").values_list("reason", "detail"))


def test_a_car_park_cannot_hold_more_cars_than_its_places(sensors):
    # when: a full car park, then 5,000 cars in its 100 places
    full = message_receive(topic=CAR_PARK, payload=message("P1", 100, id="full"))
    over = message_receive(topic=CAR_PARK, payload=message("P1", 5000, id="over"))
    # then
    assert (full, over) == (Outcome.STORED, Outcome.QUARANTINED)
    assert stored(sensors) == [("P1", 100.0)]
    assert quarantined(sensors) == [("over_capacity", "value=5000.0 > capacity 100")]


def test_a_counter_without_capacity_keeps_large_counts(sensors):
    assert message_receive(topic=COUNTER, payload=message("C1", 5000)) == Outcome.STORED
    assert stored(sensors) == [("C1", 5000.0)]


@pytest.mark.parametrize("topic, sensor", [(CAR_PARK, "P1"), (COUNTER, "C1")])
@pytest.mark.parametrize("value", [1e308, 1e12, 2**63])
def test_a_number_no_sensor_reports_is_quarantined(sensors, topic, sensor, value):
    # when
    outcome = message_receive(topic=topic, payload=message(sensor, value))
    # then
    assert outcome == Outcome.QUARANTINED
    assert stored(sensors) == []
    assert [reason for reason, _ in quarantined(sensors)] == ["bad_value"]


@pytest.mark.parametrize(
    "ts",
    [
        "1970-01-01T00:00:00+00:00",  # a sensor's clock reset
        "2099-01-01T00:00:00+00:00",
        "2026-12-05T10:00:01+00:00",  # more than a day ahead of its arrival
        "2016-12-01T00:00:00+00:00",  # older than the ten years kept
    ],
)
def test_a_time_far_from_the_arrival_is_quarantined(sensors, ts):
    assert message_receive(topic=CAR_PARK, payload=message("P1", 3, ts=ts)) == Outcome.QUARANTINED
    assert stored(sensors) == []
    assert [reason for reason, _ in quarantined(sensors)] == ["bad_timestamp"]


def test_a_time_a_day_ahead_or_years_back_is_kept(sensors):
    for n, ts in enumerate(("2026-12-05T10:00:00+00:00", "2017-01-01T00:00:00+00:00")):
        outcome = message_receive(topic=CAR_PARK, payload=message("P1", n, ts=ts))
        assert outcome == Outcome.STORED
    assert stored(sensors) == [("P1", 0.0), ("P1", 1.0)]
