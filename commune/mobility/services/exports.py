"""Copying the sensor readings stored in the database into the town's Parquet warehouse."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

from commune.tenants import scoping
from commune.tenants.models import Municipality

from .. import warehouse
from ..models import ReadingsExport, SensorReading

# A reading's created_at is set just before its transaction commits; an export started at T
# might not yet see a reading created at T - a few seconds. Each export therefore takes again
# the readings created in this margin before the previous export began; the warehouse merge
# makes the overlap harmless.
COMMIT_MARGIN = dt.timedelta(minutes=5)


def readings_export(*, municipality: Municipality, full: bool = False) -> int:
    """Copy to the town's warehouse every reading that reached the database since the last
    export (whenever it was measured), or all of them with `full` or when the warehouse holds
    none (e.g. a warehouse rebuilt); returns the readings inserted or corrected there. Safe to
    run twice: the same readings merge to no change."""
    started = timezone.now()
    full = full or warehouse.readings_last_exported(municipality=municipality) is None
    with scoping.scope(municipality):
        state, _ = ReadingsExport.objects.get_or_create(municipality=municipality)
        readings = SensorReading.objects.filter(municipality=municipality)
        if state.exported_through is not None and not full:
            readings = readings.filter(created_at__gte=state.exported_through - COMMIT_MARGIN)
        rows = list(
            readings.values_list(
                "sensor__external_id", "sensor__kind", "sensor__capacity", "measured_at", "value"
            ).order_by("measured_at", "pk")
        )
    stored = 0
    if rows:
        frame = pd.DataFrame(rows, columns=["sensor_id", "kind", "capacity", "ts_utc", "value"])
        frame["capacity"] = frame["capacity"].astype("Int64")
        stored = warehouse.readings_store(municipality=municipality, rows=frame)
    with scoping.scope(municipality):
        ReadingsExport.objects.filter(pk=state.pk).update(exported_through=started)
    return stored
