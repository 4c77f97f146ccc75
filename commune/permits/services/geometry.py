"""Work areas from the form's or the API's GeoJSON: parsed, checked and turned into LV95
polygons.

Accepts a geometry, a Feature or a FeatureCollection; coordinates in WGS84 (what the map and
RFC 7946 use) or in LV95 (pasted from a plan: eastings above 2 000 000). A line becomes a
polygon by buffering it with its width (feature property "width" or the form's default).

The text is read by the bounded JSON parser and checked against `WORK_AREAS`, the schema the
API publishes (sizes, coordinate ranges, closed rings) before GEOS sees it: whatever the schema
lets through is either accepted or refused with a reason it documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pydantic
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from commune.core.bounds import BadJSON, json_loads_bounded
from commune.core.schema_errors import error_messages, where
from commune.tenants.models import LV95

MAX_AREAS = 20
MAX_POSITIONS = 2000  # per ring or line: a street's length drawn at one point per metre
MAX_HOLES = 10
MAX_WIDTH_M = 50
#: (x, y) ranges of each coordinate system a position may be written in.
WGS84_RANGE = ((-180.0, 180.0), (-90.0, 90.0))
LV95_RANGE = ((2_400_000.0, 2_900_000.0), (1_000_000.0, 1_400_000.0))
HEIGHT_RANGE = (-1000.0, 10_000.0)


def _system(x: float, y: float) -> int | None:
    for srid, ((x0, x1), (y0, y1)) in ((4326, WGS84_RANGE), (LV95, LV95_RANGE)):
        if x0 <= x <= x1 and y0 <= y <= y1:
            return srid
    return None


def _position(value: Any) -> tuple[float, ...]:
    """[x, y] or [x, y, height]: WGS84 longitude and latitude, or LV95 east and north."""
    numbers = (
        value
        if isinstance(value, list | tuple)
        and 2 <= len(value) <= 3
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
        else None
    )
    if (
        numbers is None
        or _system(*numbers[:2]) is None
        or not (len(numbers) == 2 or HEIGHT_RANGE[0] <= numbers[2] <= HEIGHT_RANGE[1])
    ):
        raise ValueError(
            _(
                "A position is [longitude, latitude] in WGS84 or [east, north] in Swiss LV95 "
                "(metres), optionally with a height."
            )
        )
    return tuple(float(n) for n in numbers)


def _position_schema(xy: tuple, description: str) -> list[dict]:
    (x0, x1), (y0, y1) = xy
    axes = [
        {"type": "number", "minimum": x0, "maximum": x1},
        {"type": "number", "minimum": y0, "maximum": y1},
    ]
    height = {"type": "number", "minimum": HEIGHT_RANGE[0], "maximum": HEIGHT_RANGE[1]}
    return [
        {
            "type": "array",
            "prefixItems": axes,
            "items": False,
            "minItems": 2,
            "description": description,
        },
        {"type": "array", "prefixItems": [*axes, height], "items": False, "minItems": 3},
    ]


Position = Annotated[
    tuple[float, ...],
    PlainValidator(_position),
    WithJsonSchema(
        {
            "anyOf": _position_schema(WGS84_RANGE, "[longitude, latitude] (WGS84)")
            + _position_schema(LV95_RANGE, "[east, north] (Swiss LV95, metres)"),
        }
    ),
]


def _closed(ring: list[tuple[float, ...]]) -> list[tuple[float, ...]]:
    if ring[0][:2] != ring[-1][:2]:
        raise ValueError(_("The outline of a work area must end where it starts."))
    return ring


Ring = Annotated[
    list[Position],
    Field(min_length=4, max_length=MAX_POSITIONS, description="Closed: the last = the first."),
    AfterValidator(_closed),
]
Line = Annotated[list[Position], Field(min_length=2, max_length=MAX_POSITIONS)]
PolygonRings = Annotated[
    list[Ring], Field(min_length=1, max_length=1 + MAX_HOLES, description="Outline, then holes.")
]


class _Geometry(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PolygonIn(_Geometry):
    type: Literal["Polygon"]
    coordinates: PolygonRings


class MultiPolygonIn(_Geometry):
    type: Literal["MultiPolygon"]
    coordinates: Annotated[list[PolygonRings], Field(min_length=1, max_length=MAX_AREAS)]


class LineStringIn(_Geometry):
    type: Literal["LineString"]
    coordinates: Line


class MultiLineStringIn(_Geometry):
    type: Literal["MultiLineString"]
    coordinates: Annotated[list[Line], Field(min_length=1, max_length=MAX_AREAS)]


GeometryIn = Annotated[
    PolygonIn | MultiPolygonIn | LineStringIn | MultiLineStringIn, Field(discriminator="type")
]


class FeatureProperties(BaseModel):
    model_config = ConfigDict(extra="allow")
    width: float | None = Field(
        None, gt=0, le=MAX_WIDTH_M, description="Trench width of a line, in metres."
    )


class FeatureIn(_Geometry):
    type: Literal["Feature"]
    geometry: GeometryIn
    properties: FeatureProperties | None = None


class FeatureCollectionIn(_Geometry):
    type: Literal["FeatureCollection"]
    features: Annotated[list[FeatureIn], Field(min_length=1, max_length=MAX_AREAS)]


WorkAreasIn = Annotated[
    PolygonIn | MultiPolygonIn | LineStringIn | MultiLineStringIn | FeatureIn | FeatureCollectionIn,
    Field(
        discriminator="type",
        description=(
            "GeoJSON (RFC 7946) geometry, Feature or FeatureCollection: polygons and lines, "
            f"at most {MAX_AREAS} areas. Coordinates in WGS84 or Swiss LV95, all in the same "
            "system. Refused for what a schema cannot say: a polygon whose outline crosses "
            "itself, an area under 0.5 m², a line without a width, an area outside the town."
        ),
    ),
]
WORK_AREAS = pydantic.TypeAdapter(WorkAreasIn)


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


def work_areas_read(data: Any):
    """Check parsed JSON against the schema; ValidationError says what and where."""
    try:
        return WORK_AREAS.validate_python(data)
    except pydantic.ValidationError as exc:
        raise work_areas_refusal(error_messages(exc.errors())) from None


def work_areas_refusal(messages: list[tuple[tuple, str]]) -> ValidationError:
    """The schema's errors in the work areas (each located inside them) as the applicant reads
    them: the first three, or one sentence when the whole is not a geometry we take."""
    if any(loc == () for loc, _message in messages):
        return ValidationError(
            _("Draw the work area on the map, or paste a GeoJSON polygon or line."),
            code="format",
        )
    return ValidationError(
        [
            ValidationError(
                _("The work area cannot be read (%(where)s): %(problem)s")
                % {"where": where(loc), "problem": message},
                code="geometry",
            )
            for loc, message in messages[:3]
        ]
    )


def _features(areas) -> list[tuple[dict, dict]]:
    if isinstance(areas, FeatureCollectionIn):
        features = areas.features
    elif isinstance(areas, FeatureIn):
        features = [areas]
    else:
        return [(areas.model_dump(), {})]
    return [
        (f.geometry.model_dump(), f.properties.model_dump() if f.properties else {})
        for f in features
    ]


def _srid_of(geometry: dict) -> int:
    systems = set()
    stack = [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], float):
            systems.add(_system(*item[:2]))
        else:
            stack.extend(item)
    if len(systems) > 1:
        raise ValidationError(
            _("All coordinates must be in the same system (WGS84 or LV95)."), code="crs"
        )
    return systems.pop()


def _explode(geom: GEOSGeometry) -> list[GEOSGeometry]:
    if geom.geom_type in {"MultiPolygon", "MultiLineString"}:
        return [g for g in geom]
    return [geom]


def parse_work_areas(text: str, *, default_width: float | None = None) -> list[AreaSpec]:
    """Parse and check the GeoJSON; raises ValidationError with a message for the applicant."""
    return work_areas_build(work_areas_read(work_areas_json(text)), default_width=default_width)


def work_areas_json(text: str) -> Any:
    """The GeoJSON text pasted or drawn on the map, parsed (bounded), or ValidationError."""
    try:
        return json_loads_bounded(text)
    except BadJSON as exc:
        raise ValidationError(
            _("The work area is not valid GeoJSON: draw it on the map or check the text."),
            code="json",
        ) from exc


def work_areas_build(areas, *, default_width: float | None = None) -> list[AreaSpec]:
    """Areas checked by the schema (WORK_AREAS) as LV95 polygons, or ValidationError."""
    specs: list[AreaSpec] = []
    for geometry, properties in _features(areas):
        srid = _srid_of(geometry)
        try:
            geom = GEOSGeometry(json.dumps(geometry))
            geom.srid = srid
            if srid != LV95:
                geom.transform(LV95)
        except (GEOSException, ValueError, TypeError) as exc:
            raise ValidationError(_("The work area cannot be read."), code="geometry") from exc
        for part in _explode(geom):
            specs.append(_area_from(part, properties.get("width") or default_width))
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
