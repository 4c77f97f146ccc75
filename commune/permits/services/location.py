"""Where the works are, in words: the town's address nearest to the work areas.

The permit keeps that address (`location_label`) and the areas' centre (`location_point`, LV95)
so that its lists, calendar, verification page and PDF name the street without a spatial query
each time. An address further than MAX_DISTANCE_M from every area names another place: then the
label stays blank and the coordinates are shown instead (PermitRequest.location_text).
"""

from __future__ import annotations

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.gis.measure import D

from commune.permits.models import Address, PermitRequest

#: Farther than this from the works, an address names somewhere else (about a block of houses).
MAX_DISTANCE_M = 100


def _union(geometries: list[GEOSGeometry]) -> GEOSGeometry:
    union = geometries[0]
    for geometry in geometries[1:]:
        union = union.union(geometry)
    return union


def location_of(
    *, geometries: list[GEOSGeometry], addresses, picked=None
) -> tuple[str, Point | None]:
    """The label and centre of the works drawn as `geometries` (LV95): the address the
    applicant `picked` when it lies near the works, else the nearest of `addresses` (a queryset
    of the town's address points) within MAX_DISTANCE_M, else a blank label.

    The models are the caller's, so that a data migration can pass its historical ones."""
    if not geometries:
        return "", None
    works = _union(geometries)
    centre = works.centroid
    centre.srid = works.srid
    if picked is not None and picked.point.distance(works) <= MAX_DISTANCE_M:
        return picked.label, centre
    nearest = (
        addresses.filter(point__dwithin=(works, D(m=MAX_DISTANCE_M)))
        .annotate(distance=Distance("point", works))
        .order_by("distance", "label", "pk")
        .first()
    )
    return (nearest.label if nearest is not None else ""), centre


def permit_location_set(*, permit: PermitRequest, address: Address | None = None) -> PermitRequest:
    """Store where `permit`'s works are (see location_of): on each save of its work areas.
    `address` is the one the applicant chose in the address search, if any."""
    label, point = location_of(
        geometries=[area.geometry for area in permit.areas.all()],
        addresses=Address.objects.filter(municipality_id=permit.municipality_id),
        picked=address
        if address is not None and address.municipality_id == permit.municipality_id
        else None,
    )
    permit.location_label, permit.location_point = label, point
    permit.save(update_fields=["location_label", "location_point", "updated_at"])
    return permit


def locations_backfill(*, permit_model, area_model, address_model) -> int:
    """Set the location of every request that has work areas and none yet, in every town (the
    data migration's step, with the migration's historical models and their plain managers)."""
    areas = area_model._base_manager
    permits = permit_model._base_manager.filter(
        location_point__isnull=True, pk__in=areas.values("permit_id")
    ).only("pk", "municipality_id")
    count = 0
    for permit in permits.iterator(chunk_size=500):
        label, point = location_of(
            geometries=list(areas.filter(permit_id=permit.pk).values_list("geometry", flat=True)),
            addresses=address_model._base_manager.filter(municipality_id=permit.municipality_id),
        )
        permit_model._base_manager.filter(pk=permit.pk).update(
            location_label=label, location_point=point
        )
        count += 1
    return count
