"""Public works as GeoJSON features (RFC 7946: WGS84 longitude/latitude, no `crs` member).

One feature per permit; its geometry is the MultiPolygon of its work areas. The properties
are what the public may know: reference, kind, organisation, the street (the town's address
nearest to the works), dates and impact.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet

from commune.permits.models import PermitRequest
from commune.permits.workflow import ONGOING

from .selectors import PUBLIC_FIELDS, WGS84, areas_in


def _labels() -> dict[str, dict[str, str]]:
    """The choice labels, translated once per response (get_FOO_display per row is slow)."""
    return {
        "kind": {k: str(v) for k, v in PermitRequest.Kind.choices},
        "status": {k: str(v) for k, v in PermitRequest.Status.choices},
        "closure": {k: str(v) for k, v in PermitRequest.Closure.choices},
    }


def work_properties(row: Mapping, labels: dict | None = None) -> dict:
    """The public properties of one work, from its `PUBLIC_FIELDS` values (a `.values()` row)."""
    labels = labels or _labels()
    kind, status, closure = row["kind"], row["status"], row["road_closure"]
    return {
        "reference": row["reference"],
        "kind": kind,
        "kind_label": labels["kind"].get(kind, kind),
        "organisation": row["organisation__name"],
        "address": row["location_label"] or None,
        "status": status,
        "status_label": labels["status"].get(status, status),
        "under_way": status in ONGOING,
        "emergency": row["is_emergency"],
        "start": row["planned_start"].isoformat(),
        "end": (row["valid_until"] or row["planned_end"]).isoformat(),
        "road_closure": closure,
        "road_closure_label": labels["closure"].get(closure, closure),
        "pavement_closure": row["pavement_closure"],
        "parking_places_removed": row["parking_places_removed"],
    }


def work_feature(row: Mapping, polygons: list, labels: dict | None = None) -> dict:
    geometry = {"type": "MultiPolygon", "coordinates": polygons} if polygons else None
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": geometry,
        "properties": work_properties(row, labels),
    }


def work_features(
    *, municipality, works: QuerySet[PermitRequest], srid: int = WGS84, precision: int = 7
) -> list[dict]:
    """Features for these works (a `works_public` queryset, sliced or not), in two queries:
    the permits' public values (no model instances: the whole layer holds thousands), and
    their areas, selected by a subquery rather than a list of thousands of ids. WGS84 by
    default (RFC 7946); `srid=LV95` for the OGC API's `crs` (east, north, `precision` 2)."""
    rows = list(works.values(*PUBLIC_FIELDS))
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    permit_ids = ids if works.query.is_sliced else works.values("pk")
    areas = areas_in(
        municipality=municipality, permit_ids=permit_ids, srid=srid, precision=precision
    )
    labels = _labels()
    return [work_feature(row, areas.get(row["id"], []), labels) for row in rows]


def feature_bbox(features: list[dict]) -> list[float] | None:
    xs, ys = [], []
    for feature in features:
        for polygon in (feature["geometry"] or {}).get("coordinates", []):
            for ring in polygon:
                for x, y in ring:
                    xs.append(x)
                    ys.append(y)
    if not xs:
        return None
    return [min(xs), min(ys), max(xs), max(ys)]
