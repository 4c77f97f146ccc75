"""Parking sensor readings: exported from the database to the warehouse (periodic, incremental,
idempotent) and shown on the observatory page as occupancy per car park and hour."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from commune.core import schedule
from commune.mobility import tasks, warehouse
from commune.mobility.models import SensorReading
from commune.mobility.services.exports import readings_export
from commune.mobility.tests.factories import SensorFactory
from commune.mobility.tests.test_observatory import url, write_data
from commune.tenants.scoping import scope

UTC = dt.UTC


def read(town, sensor, when: dt.datetime, value: float) -> None:
    with scope(town):
        SensorReading.objects.create(
            municipality=town,
            sensor=sensor,
            measured_at=when,
            value=value,
            message_key=f"{sensor.external_id}/{when.isoformat()}",
        )


def stored_readings(town):
    import pyarrow.parquet as pq

    folder = warehouse.town_folder(municipality=town) / "readings"
    return pq.read_table(folder).to_pandas().sort_values(["sensor_id", "ts_utc"])


def test_export_is_incremental_and_running_it_twice_changes_nothing(town_a, town_b):
    # given two readings of a car park of 200 spaces, and a reading in another town
    park = SensorFactory(municipality=town_a, external_id="P-CENTRE", capacity=200)
    t0 = dt.datetime(2026, 1, 13, 7, 0, tzinfo=UTC)
    read(town_a, park, t0, 50)
    read(town_a, park, t0 + dt.timedelta(minutes=15), 150)
    read(town_b, SensorFactory(municipality=town_b, external_id="X"), t0, 10)
    # when exported, then exported again
    first = readings_export(municipality=town_a)
    second = readings_export(municipality=town_a)
    # then the two readings are stored once, with the car park's capacity and local hour
    assert (first, second) == (2, 0)
    rows = stored_readings(town_a)
    assert rows[["sensor_id", "capacity", "value"]].values.tolist() == [
        ["P-CENTRE", 200, 50.0],
        ["P-CENTRE", 200, 150.0],
    ]
    assert set(rows.local_hour) == {8}  # 07:00 UTC is 08:00 in Zurich in winter
    # when a new reading arrives: only it is added
    read(town_a, park, t0 + dt.timedelta(hours=1), 100)
    assert readings_export(municipality=town_a) == 1
    assert len(stored_readings(town_a)) == 3


def test_a_reading_that_arrives_days_late_is_exported_with_the_next_run(town_a):
    # given readings exported up to now
    park = SensorFactory(municipality=town_a, external_id="P-LAC", capacity=120)
    now = dt.datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    read(town_a, park, now - dt.timedelta(hours=1), 80)
    assert readings_export(municipality=town_a) == 1
    # when a reading measured ten days ago reaches the database only now (a sensor back online)
    read(town_a, park, now - dt.timedelta(days=10), 33)
    # then the next export takes it, whatever its measurement time, and only it
    assert readings_export(municipality=town_a) == 1
    assert sorted(stored_readings(town_a).value.tolist()) == [33.0, 80.0]
    assert readings_export(municipality=town_a) == 0


def test_an_emptied_warehouse_gets_every_reading_again(town_a, warehouse_dir):
    import shutil

    # given readings exported, then the town's warehouse folder lost (rebuilt from nothing)
    park = SensorFactory(municipality=town_a, external_id="P-PORT", capacity=60)
    t0 = dt.datetime(2026, 1, 13, 7, 0, tzinfo=UTC)
    read(town_a, park, t0, 10)
    read(town_a, park, t0 + dt.timedelta(hours=1), 20)
    assert readings_export(municipality=town_a) == 2
    shutil.rmtree(warehouse.town_folder(municipality=town_a))
    # when the periodic export runs / then every reading is back
    assert readings_export(municipality=town_a) == 2
    assert stored_readings(town_a).value.tolist() == [10.0, 20.0]


def test_the_periodic_job_exports_every_town_with_the_observatory(town_a):
    # given a reading in a town with the mobility module
    town_a.modules = sorted({*town_a.modules, "mobility"})
    town_a.save(update_fields=["modules"])
    park = SensorFactory(municipality=town_a, external_id="P-GARE", capacity=95)
    read(town_a, park, dt.datetime(2026, 1, 13, 7, 0, tzinfo=UTC), 19)
    # when the scheduler enqueues the due jobs (the test backend runs them at once)
    due = schedule.enqueue_due(now=dt.datetime(2026, 1, 13, 8, 0, tzinfo=UTC))
    # then the readings export is among them and the reading is in the warehouse
    assert tasks.readings_export_all.module_path in due
    assert stored_readings(town_a).value.tolist() == [19.0]


def test_the_observatory_shows_mean_occupancy_per_car_park_and_hour(staff_client, town_a):
    # given observatory data and a car park half full on average at 08:00 local time
    from commune.accounts.models import Role
    from commune.mobility.tests.test_observatory import member

    write_data(town_a, days=14)
    park = SensorFactory(
        municipality=town_a, external_id="P-CENTRE", name="Parking du Centre", capacity=200
    )
    day = dt.datetime(2026, 1, 13, 7, 0, tzinfo=UTC)
    read(town_a, park, day, 60)
    read(town_a, park, day + dt.timedelta(minutes=30), 140)
    readings_export(municipality=town_a)
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    # when
    response = client.get(url(town_a), {"start": "2026-01-05", "end": "2026-01-18"})
    # then the occupancy table has the car park with 50 % at 8h and nothing at other hours
    assert response.status_code == 200
    [row] = response.context["shown"]["occupancy_rows"]
    assert row["name"] == "Parking du Centre"
    assert row["values"][8] == 50.0 and row["values"][9] is None
    body = response.content.decode()
    assert 'id="occupancy-table"' in body and "Parking du Centre (P-CENTRE)" in body
    assert "<svg" in body.split('id="occupancy-title"')[1].split("</section>")[0]
    # and the public page of that week shows it too (no person data in a car park's occupancy)
    from commune.mobility.tests.test_observatory import publish_all

    publish_all(town_a)
    public = Client().get(url(town_a, "mobility:observatory-open"), {"period": "2026-01-12"})
    assert public.context["shown"]["occupancy_rows"][0]["values"][8] == 50.0
