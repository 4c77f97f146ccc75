"""Reads for the public works layer: what the public may see of granted works, and nothing
personal (no names, phones, e-mails, no free text written by the applicant).

Every function takes the municipality first and runs inside its scope. The layer is built
from two queries whatever the number of files: the page of permits, then their work areas
transformed to WGS84 by the database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Polygon
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from commune.permits.models import PermitRequest, WorkArea
from commune.permits.workflow import EMERGENCY_PENDING, ONGOING, PUBLIC
from commune.tenants.models import LV95, Municipality

WGS84 = 4326

CLOSURES = (PermitRequest.Closure.ONE_LANE, PermitRequest.Closure.FULL)

#: The permit columns the layer reads; never the applicant's people or free texts.
PUBLIC_FIELDS = (
    "id",
    "municipality_id",
    "reference",
    "status",
    "kind",
    "is_emergency",
    "road_closure",
    "pavement_closure",
    "parking_places_removed",
    "planned_start",
    "planned_end",
    "valid_until",
    "updated_at",
    "organisation__name",
    "location_label",
)


@dataclass(frozen=True)
class Period:
    """A closed or half-open interval of days; None on a side means open."""

    start: dt.date | None = None
    end: dt.date | None = None


_EMERGENCY = Q(is_emergency=True, status__in=EMERGENCY_PENDING)


def public_q() -> Q:
    """The files the public sees (workflow.shown_to_public, as a query): granted works not
    yet closed, and emergencies from their submission."""
    return Q(status__in=PUBLIC) | _EMERGENCY


def works_public(
    *,
    municipality: Municipality,
    today: dt.date | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    period: Period | None = None,
    closures_only: bool = False,
    bbox_srid: int = WGS84,
) -> QuerySet[PermitRequest]:
    """Current and planned works: granted or under way, not closed, not finished in the past;
    emergencies from their submission (`closures_only`: closures and emergencies).
    `bbox` (WGS84 lon/lat, or LV95 east/north with `bbox_srid=LV95`) keeps works whose areas
    intersect it; `period` keeps works whose dates overlap it."""
    today = today or timezone.localdate()
    queryset = PermitRequest.objects.filter(public_q(), municipality=municipality).filter(
        Q(planned_end__gte=today) | Q(status__in=ONGOING) | _EMERGENCY
    )
    if closures_only:  # the iCal feed: closures, and every emergency
        queryset = queryset.filter(Q(road_closure__in=CLOSURES) | _EMERGENCY)
    if period is not None:
        if period.end is not None:
            queryset = queryset.filter(planned_start__lte=period.end)
        if period.start is not None:
            queryset = queryset.filter(planned_end__gte=period.start)
    if bbox is not None:
        frame = Polygon.from_bbox(bbox)
        frame.srid = bbox_srid
        if bbox_srid != LV95:
            frame.transform(LV95)
        queryset = queryset.filter(
            Exists(
                WorkArea.objects.filter(
                    municipality=municipality, permit=OuterRef("pk"), geometry__intersects=frame
                )
            )
        )
    return (
        queryset.select_related("organisation").only(*PUBLIC_FIELDS).order_by("planned_start", "id")
    )


def work_public_get(*, municipality: Municipality, permit_id: int) -> dict | None:
    """One public work's `PUBLIC_FIELDS` values by id, or None (not public, or another
    town's)."""
    return (
        PermitRequest.objects.filter(public_q(), municipality=municipality)
        .filter(pk=permit_id)
        .values(*PUBLIC_FIELDS)
        .first()
    )


def areas_wgs84(*, municipality: Municipality, permit_ids: list[int] | QuerySet) -> dict[int, list]:
    """The work areas of these permits (ids, or a queryset of ids) as GeoJSON polygon
    coordinates in WGS84, by permit id (one query; the database transforms from LV95)."""
    return areas_in(municipality=municipality, permit_ids=permit_ids, srid=WGS84, precision=7)


def areas_in(
    *, municipality: Municipality, permit_ids: list[int] | QuerySet, srid: int, precision: int
) -> dict[int, list]:
    """`areas_wgs84` in any CRS: WGS84 (lon, lat) or LV95 as stored (east, north)."""
    if isinstance(permit_ids, list) and not permit_ids:
        return {}
    geometry = "geometry" if srid == LV95 else Transform("geometry", srid)
    rows = (
        WorkArea.objects.filter(municipality=municipality, permit_id__in=permit_ids)
        .annotate(wgs84=AsGeoJSON(geometry, precision=precision))
        .order_by("permit_id", "id")
        .values_list("permit_id", "wgs84")
    )
    found: dict[int, list] = {}
    for permit_id, text in rows:
        found.setdefault(permit_id, []).append(json.loads(text)["coordinates"])
    return found


def works_extent(*, municipality: Municipality) -> dict:
    """Spatial extent (the town's territory) and temporal extent (public works) of the
    layer, for the OGC collection description."""
    territory = municipality.territory.transform(WGS84, clone=True)
    dates = (
        works_public(municipality=municipality)
        .order_by()
        .aggregate(start=Min("planned_start"), end=Max("planned_end"))
    )
    return {
        "bbox": [round(v, 7) for v in territory.extent],
        "interval": [
            dates["start"].isoformat() if dates["start"] else None,
            dates["end"].isoformat() if dates["end"] else None,
        ],
    }
