"""Reads of the mobility app; every selector takes the municipality first."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from commune.tenants.models import Municipality

from .models import DataImport, Publication, QuarantinedMessage, Sensor


def import_list(*, municipality: Municipality) -> QuerySet[DataImport]:
    return DataImport.objects.filter(municipality=municipality).select_related("uploaded_by")


def import_get(*, municipality: Municipality, import_id: int) -> DataImport:
    """The town's import, or 404 (another town's id included)."""
    return get_object_or_404(import_list(municipality=municipality), pk=import_id)


def sensor_list(*, municipality: Municipality) -> QuerySet[Sensor]:
    return Sensor.objects.filter(municipality=municipality)


def quarantine_list(*, municipality: Municipality) -> QuerySet[QuarantinedMessage]:
    return QuarantinedMessage.objects.filter(municipality=municipality)


def publication_periods(*, municipality: Municipality) -> list:
    """The periods with published open data (analytics.opendata.Period), newest first, a month
    before its weeks."""
    from analytics.opendata import MONTH, Period

    found = (
        Publication.objects.filter(municipality=municipality)
        .values_list("kind", "start", "end")
        .distinct()
    )
    periods = {Period(start, end, kind) for kind, start, end in found}
    return sorted(periods, key=lambda p: (p.start.replace(day=1), p.kind == MONTH, p.start))[::-1]


def publications_of(*, municipality: Municipality, period) -> dict[str, Publication]:
    """The published tables of one period, per family (a family not yet published is absent)."""
    found = Publication.objects.filter(
        municipality=municipality, kind=period.kind, start=period.start, end=period.end
    )
    return {p.family: p for p in found}
