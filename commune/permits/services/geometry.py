"""Work areas from the form's GeoJSON: parsed, checked and turned into LV95 polygons.

Accepts a geometry, a Feature or a FeatureCollection; coordinates in WGS84 (what the map and
RFC 7946 use) or in LV95 (pasted from a plan: eastings above 2 000 000). A line becomes a
polygon by buffering it with its width (feature property "width" or the form's default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commune.tenants.models import LV95

MAX_AREAS = 20


@dataclass
class AreaSpec:
    drawn: GEOSGeometry
    width_m: float | None
    polygon: Polygon

    @property
    def area_m2(self) -> float:
        return self.polygon.area

    @property
    def length_m(self) -> float:
        if self.drawn.geom_type == "LineString":
            return self.drawn.length
        # The long side of a dug polygon: half its perimeter less the short side, roughly.
        return max(self.polygon.length / 2 - (self.polygon.area / max(self.polygon.length, 1)), 0)


def _features(data) -> list[tuple[dict, dict]]:
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection":
        return [(f.get("geometry") or {}, f.get("properties") or {}) for f in data["features"]]
    if kind == "Feature":
        return [(data.get("geometry") or {}, data.get("properties") or {})]
    if kind in {"Polygon", "LineString", "MultiPolygon", "MultiLineString"}:
        return [(data, {})]
    raise ValidationError(
        _("Draw the work area on the map, or paste a GeoJSON polygon or line."), code="format"
    )


def _first_coordinate(coords):
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[0]
    return coords


def _srid_of(geometry: dict) -> int:
    first = _first_coordinate(geometry.get("coordinates"))
    if not first or len(first) < 2:
        raise ValidationError(_("The work area has no coordinates."), code="empty")
    return LV95 if abs(first[0]) > 1000 else 4326


def _explode(geom: GEOSGeometry) -> list[GEOSGeometry]:
    if geom.geom_type in {"MultiPolygon", "MultiLineString"}:
        return [g for g in geom]
    return [geom]


def parse_work_areas(text: str, *, default_width: float | None = None) -> list[AreaSpec]:
    """Parse and check the GeoJSON; raises ValidationError with a message for the applicant."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("The work area is not valid GeoJSON: draw it on the map or check the text."),
            code="json",
        ) from exc
    specs: list[AreaSpec] = []
    for geometry, properties in _features(data):
        try:
            srid = _srid_of(geometry)
            geom = GEOSGeometry(json.dumps(geometry))
            geom.srid = srid
        except (GEOSException, ValueError, TypeError) as exc:
            raise ValidationError(_("The work area cannot be read."), code="geometry") from exc
        if srid != LV95:
            geom.transform(LV95)
        for part in _explode(geom):
            specs.append(_area_from(part, properties.get("width") or default_width))
    if not specs:
        raise ValidationError(_("Draw at least one work area."), code="empty")
    if len(specs) > MAX_AREAS:
        raise ValidationError(_("At most %(n)d work areas per request.") % {"n": MAX_AREAS})
    return specs


def _area_from(part: GEOSGeometry, width) -> AreaSpec:
    if part.geom_type == "Polygon":
        if not part.valid:
            reason = part.valid_reason
            if "Self-intersection" in reason:
                message = _("The work area crosses itself; draw its outline without crossings.")
            else:
                message = _("The work area is not a valid polygon (%(reason)s).") % {
                    "reason": reason
                }
            raise ValidationError(message, code="invalid")
        if part.area < 0.5:
            raise ValidationError(_("The work area is too small to be real."), code="small")
        return AreaSpec(drawn=part, width_m=None, polygon=part)
    if part.geom_type == "LineString":
        try:
            width = float(width) if width not in (None, "") else None
        except (TypeError, ValueError):
            width = None
        if not width or width <= 0 or width > 50:
            raise ValidationError(
                _("A line needs a trench width between 0 and 50 metres."), code="width"
            )
        if part.length < 0.5:
            raise ValidationError(_("The line is too short to be real."), code="small")
        polygon = part.buffer_with_style(width / 2, end_cap_style=2)
        polygon.srid = LV95
        return AreaSpec(drawn=part, width_m=width, polygon=polygon)
    raise ValidationError(
        _("A work area is a polygon or a line (found: %(kind)s).") % {"kind": part.geom_type},
        code="kind",
    )


def check_inside_territory(specs: list[AreaSpec], territory) -> None:
    """Every area must lie inside the town's territory."""
    for spec in specs:
        if not territory.contains(spec.polygon):
            raise ValidationError(
                _("The work area lies (partly) outside the municipality's territory."),
                code="outside",
            )


def to_geojson(permit) -> str:
    """The request's areas as a GeoJSON FeatureCollection in WGS84 (for the map)."""
    features = []
    for area in permit.areas.all():
        geom = area.drawn.transform(4326, clone=True)
        props = {"width": float(area.width_m)} if area.width_m else {}
        features.append({"type": "Feature", "properties": props, "geometry": json.loads(geom.json)})
    return json.dumps({"type": "FeatureCollection", "features": features})


def findings_geojson(findings) -> str:
    """What the checks found (other works, streets under moratorium) as GeoJSON in WGS84."""
    features = []
    for finding in findings:
        if finding.geometry is None:
            continue
        geom = finding.geometry.transform(4326, clone=True)
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": finding.kind, "message": finding.text},
                "geometry": json.loads(geom.json),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features})
