"""Copying the sensor readings stored in the database into the town's Parquet warehouse."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from commune.tenants import scoping
from commune.tenants.models import Municipality

from .. import warehouse
from ..models import SensorReading

# Readings can reach the database late (a sensor or the broker catching up): each export goes
# back this far before the last exported instant. The warehouse merge makes the overlap harmless.
LATE_READINGS = dt.timedelta(days=2)


def readings_export(*, municipality: Municipality, full: bool = False) -> int:
    """Export the town's sensor readings measured since the last export (minus LATE_READINGS)
    to its warehouse; returns the readings inserted or corrected there. Safe to run twice: the
    same readings merge to no change."""
    since = None if full else warehouse.readings_last_exported(municipality=municipality)
    with scoping.scope(municipality):
        readings = SensorReading.objects.filter(municipality=municipality)
        if since is not None:
            readings = readings.filter(measured_at__gte=since - LATE_READINGS)
        rows = list(
            readings.values_list(
                "sensor__external_id", "sensor__kind", "sensor__capacity", "measured_at", "value"
            ).order_by("measured_at", "pk")
        )
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=["sensor_id", "kind", "capacity", "ts_utc", "value"])
    frame["capacity"] = frame["capacity"].astype("Int64")
    return warehouse.readings_store(municipality=municipality, rows=frame)
