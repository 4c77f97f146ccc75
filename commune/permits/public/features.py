"""Public works as GeoJSON features (RFC 7946: WGS84 longitude/latitude, no `crs` member).

One feature per permit; its geometry is the MultiPolygon of its work areas. The properties
are what the public may know: reference, kind, organisation, dates and impact.
"""

from __future__ import annotations

from collections.abc import Iterable

from commune.permits.models import PermitRequest

from .selectors import ONGOING_STATUSES, areas_wgs84


def _labels() -> dict[str, dict[str, str]]:
    """The choice labels, translated once per response (get_FOO_display per row is slow)."""
    return {
        "kind": {k: str(v) for k, v in PermitRequest.Kind.choices},
        "status": {k: str(v) for k, v in PermitRequest.Status.choices},
        "closure": {k: str(v) for k, v in PermitRequest.Closure.choices},
    }


def work_properties(permit: PermitRequest, labels: dict | None = None) -> dict:
    labels = labels or _labels()
    organisation = permit.organisation.name if permit.organisation_id else None
    return {
        "reference": permit.reference,
        "kind": permit.kind,
        "kind_label": labels["kind"].get(permit.kind, permit.kind),
        "organisation": organisation,
        "status": permit.status,
        "status_label": labels["status"].get(permit.status, permit.status),
        "under_way": permit.status in ONGOING_STATUSES,
        "emergency": permit.is_emergency,
        "start": permit.planned_start.isoformat(),
        "end": (permit.valid_until or permit.planned_end).isoformat(),
        "road_closure": permit.road_closure,
        "road_closure_label": labels["closure"].get(permit.road_closure, permit.road_closure),
        "pavement_closure": permit.pavement_closure,
        "parking_places_removed": permit.parking_places_removed,
    }


def work_feature(permit: PermitRequest, polygons: list, labels: dict | None = None) -> dict:
    geometry = {"type": "MultiPolygon", "coordinates": polygons} if polygons else None
    return {
        "type": "Feature",
        "id": permit.pk,
        "geometry": geometry,
        "properties": work_properties(permit, labels),
    }


def work_features(*, municipality, permits: Iterable[PermitRequest]) -> list[dict]:
    """Features for these permits, their areas fetched in one query."""
    permits = list(permits)
    areas = areas_wgs84(municipality=municipality, permit_ids=[p.pk for p in permits])
    labels = _labels()
    return [work_feature(p, areas.get(p.pk, []), labels) for p in permits]


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
