"""Reads of the mobility app; every selector takes the municipality first."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from commune.tenants.models import Municipality

from .models import DataImport, QuarantinedMessage, Sensor


def import_list(*, municipality: Municipality) -> QuerySet[DataImport]:
    return DataImport.objects.filter(municipality=municipality).select_related("uploaded_by")


def import_get(*, municipality: Municipality, import_id: int) -> DataImport:
    """The town's import, or 404 (another town's id included)."""
    return get_object_or_404(import_list(municipality=municipality), pk=import_id)


def sensor_list(*, municipality: Municipality) -> QuerySet[Sensor]:
    return Sensor.objects.filter(municipality=municipality)


def quarantine_list(*, municipality: Municipality) -> QuerySet[QuarantinedMessage]:
    return QuarantinedMessage.objects.filter(municipality=municipality)
