"""The corners of a request's work areas as LV95 coordinates a person can read and type: the
keyboard's (and the page without JavaScript's) way to move what the map lets a mouse drag.

The areas are the form's GeoJSON text (WGS84 from the map, or LV95 pasted from a plan). Each
polygon's outline and each line is a shape; its corners are listed east / north to the
centimetre (`corners_list`). A corner whose text was changed is read like typed coordinates
(services/coordinates.py) and written back in the system its shape was in (`corners_apply`);
a corner sent empty is removed; the corners left alone keep their exact positions. Holes are
left as they are.

Pure functions (no database). What cannot be read lists no corners and changes nothing: the
GeoJSON's own checks (services/geometry.py) say what is wrong with it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commune.core.bounds import BadJSON, json_loads_bounded
from commune.tenants.models import LV95

from .coordinates import point_parse
from .geometry import LV95_RANGE, WGS84_RANGE

#: Beyond this many corners the list would be a wall of fields: the text and the map remain.
MAX_CORNERS = 60
#: A corner typed within this distance (metres) of where it was has not moved.
MOVED_M = 0.005


@dataclass
class Shape:
    """One outline or line: its kind ("area" or "line"), its 1-based number, its corners as
    LV95 (east, north) and where its positions are in the GeoJSON (`ring`, a list)."""

    kind: str
    number: int
    corners: list[tuple[float, float]] = field(default_factory=list)
    ring: list = field(default_factory=list, repr=False)
    srid: int = LV95

    @property
    def texts(self) -> list[str]:
        return [corner_text(e, n) for e, n in self.corners]


def corner_text(east: float, north: float) -> str:
    """A corner as the list writes it: "2539000.00 / 1151000.00"."""
    return f"{east:.2f} / {north:.2f}"


def fingerprint(text: str | None) -> str:
    """A short digest of the areas' text: the corners sent apply to that text only."""
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]


def _geometries(data) -> list[dict]:
    if not isinstance(data, dict):
        return []
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
        features = features if isinstance(features, list) else []
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = [{"geometry": data}]
    return [
        f["geometry"]
        for f in features
        if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
    ]


def _parts(geometry: dict) -> list[tuple[str, list]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if not isinstance(coords, list):
        return []
    if kind == "Polygon":
        return [("area", coords[0])] if coords else []
    if kind == "MultiPolygon":
        return [("area", p[0]) for p in coords if isinstance(p, list) and p]
    if kind == "LineString":
        return [("line", coords)]
    if kind == "MultiLineString":
        return [("line", line) for line in coords]
    return []


def _srid(ring: list) -> int | None:
    systems = set()
    for position in ring:
        if not (
            isinstance(position, list)
            and len(position) in (2, 3)
            and all(isinstance(n, int | float) and not isinstance(n, bool) for n in position)
        ):
            return None
        x, y = position[:2]
        for srid, ((x0, x1), (y0, y1)) in ((4326, WGS84_RANGE), (LV95, LV95_RANGE)):
            if x0 <= x <= x1 and y0 <= y <= y1:
                systems.add(srid)
                break
        else:
            return None
    return systems.pop() if len(systems) == 1 else None


def _to(point: tuple[float, float], source: int, target: int) -> tuple[float, float]:
    if source == target:
        return point
    moved = Point(*point, srid=source)
    moved.transform(target)
    return moved.x, moved.y


def _read(text: str | None):
    try:
        return json_loads_bounded(text or "")
    except BadJSON:
        return None


def corners_list(text: str | None, *, data=None) -> list[Shape] | None:
    """The shapes and their corners in LV95, [] when there is nothing to list, None when there
    are more than MAX_CORNERS."""
    data = _read(text) if data is None else data
    parts = [part for geometry in _geometries(data) for part in _parts(geometry)]
    if sum(len(ring) for _kind, ring in parts if isinstance(ring, list)) > MAX_CORNERS + len(parts):
        return None  # counted before anything is read or transformed: a long text costs nothing
    shapes: list[Shape] = []
    for kind, ring in parts:
        srid = _srid(ring) if isinstance(ring, list) and ring else None
        if srid is None:
            continue
        corners = ring[:-1] if kind == "area" and len(ring) > 1 else ring
        shape = Shape(kind=kind, number=len(shapes) + 1, ring=ring, srid=srid)
        shape.corners = [_to(tuple(p[:2]), srid, LV95) for p in corners]
        shapes.append(shape)
    if sum(len(s.corners) for s in shapes) > MAX_CORNERS:
        return None
    return shapes


def _removed(shape: Shape, indexes: list[int]) -> None:
    """Take the corners at `indexes` out of `shape` (an area keeps three, a line two)."""
    least = 3 if shape.kind == "area" else 2
    if len(shape.corners) - len(indexes) < least:
        raise ValidationError(
            _("An area keeps at least three corners, a trench two points (shape %(shape)d).")
            % {"shape": shape.number},
            code="corners_few",
        )
    kept = [p for i, p in enumerate(shape.ring[: len(shape.corners)]) if i not in indexes]
    if shape.kind == "area":
        kept.append(list(kept[0]))  # the outline ends where it starts
    shape.ring[:] = kept


def corners_apply(text: str, typed: dict[tuple[int, int], str]) -> str | None:
    """The areas' text with the corners typed (`{(shape, corner): "east / north"}`, 1-based)
    that differ from the list written in, and without those sent empty (removed); None when
    nothing changed. ValidationError naming the corner whose coordinates cannot be read."""
    data = _read(text)
    shapes = corners_list(text, data=data) or []
    changed = False
    for shape in shapes:
        emptied = []
        for index, was in enumerate(shape.texts):
            value = typed.get((shape.number, index + 1))
            if value is None or value.strip() == was:
                continue
            if not value.strip():
                emptied.append(index)
                continue
            try:
                point = point_parse(value.strip())
            except ValidationError as exc:
                where = {"corner": index + 1, "shape": shape.number, "problem": exc.messages[0]}
                message = (
                    _("Point %(corner)d of shape %(shape)d: %(problem)s")
                    if shape.kind == "line"
                    else _("Corner %(corner)d of shape %(shape)d: %(problem)s")
                )
                raise ValidationError(message % where, code="corner") from None
            east, north = shape.corners[index]
            if abs(point.x - east) <= MOVED_M and abs(point.y - north) <= MOVED_M:
                continue
            x, y = _to((point.x, point.y), LV95, shape.srid)
            digits = 8 if shape.srid == 4326 else 3
            position = [round(x, digits), round(y, digits)]
            shape.ring[index][:2] = position
            if shape.kind == "area" and index == 0:
                shape.ring[-1][:2] = position  # the outline ends where it starts
            changed = True
        if emptied:
            _removed(shape, emptied)
            changed = True
    return json.dumps(data) if changed else None
