"""Small geometry helpers, without Django.

* WGS84 <-> Swiss LV95 (EPSG:2056) through PROJ (pyproj): the Swiss oblique Mercator on CH1903+
  and the datum shift to WGS84 of EPSG's "CH1903+ to WGS 84 (1)", the operation GDAL (and so
  GeoDjango, on the web side) applies to the same points: the observatory and the permits place
  a point at the same spot, not about a metre apart as with swisstopo's approximate formulas.
  A fallback without the datum shift ("ballpark", some 100 m off) is refused, not used.
* Polygon checks for zone files (closed rings, enough points, no self-intersection, non-zero area,
  holes inside their shell), centroids and planar areas in LV95 metres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pyproj import Transformer

Point = tuple[float, float]

# Both in longitude, latitude order (always_xy); thread-safe (pyproj >= 3.1).
_TO_LV95 = Transformer.from_crs("EPSG:4326", "EPSG:2056", always_xy=True, allow_ballpark=False)
_TO_WGS84 = Transformer.from_crs("EPSG:2056", "EPSG:4326", always_xy=True, allow_ballpark=False)


def _finite(a: float, b: float, given: tuple) -> tuple[float, float]:
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"no position for the coordinates {given}")
    return a, b


def wgs84_to_lv95(lat: float, lon: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees -> (E, N) in LV95 metres; ValueError for coordinates that
    are no position (a latitude past 90°, not a number)."""
    e, n = _TO_LV95.transform(float(lon), float(lat))
    return _finite(e, n, (lat, lon))


def lv95_to_wgs84(e: float, n: float) -> tuple[float, float]:
    """(E, N) in LV95 metres -> (latitude, longitude) in degrees; ValueError as above."""
    lon, lat = _TO_WGS84.transform(float(e), float(n))
    lat, lon = _finite(lat, lon, (e, n))
    return lat, lon


def looks_like_lv95(x: float, y: float) -> bool:
    """True when (x, y) is inside LV95's Swiss range (E 2.4-2.9 M, N 1.0-1.35 M)."""
    return 2_400_000 <= x <= 2_900_000 and 1_000_000 <= y <= 1_350_000


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a: Point, b: Point, p: Point) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_intersect(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    d1, d2 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    d3, d4 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    if ((d1 > 0 and d2 < 0) or (d1 < 0 and d2 > 0)) and (
        (d3 > 0 and d4 < 0) or (d3 < 0 and d4 > 0)
    ):
        return True
    return (
        (d1 == 0 and _on_segment(q1, q2, p1))
        or (d2 == 0 and _on_segment(q1, q2, p2))
        or (d3 == 0 and _on_segment(p1, p2, q1))
        or (d4 == 0 and _on_segment(p1, p2, q2))
    )


def ring_area(ring: Sequence[Point]) -> float:
    """Signed shoelace area (positive when counter-clockwise)."""
    return (
        sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))
        / 2
    )


#: Why a ring or polygon is invalid: a code (analytics.ingest.report.ENGLISH, written out by
#: whoever reads it) and its figures.
Problem = tuple[str, dict]


def ring_problem(ring: Sequence[Sequence[float]]) -> Problem | None:
    """Why a linear ring is invalid, or None when it is a valid simple closed ring."""
    pts = [(float(p[0]), float(p[1])) for p in ring]
    if len(pts) < 4:
        return "ring_positions", {"count": len(pts)}
    if pts[0] != pts[-1]:
        return "ring_open", {}
    if abs(ring_area(pts)) == 0:
        return "ring_flat", {}
    n = len(pts) - 1
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbouring edges share a vertex
            if segments_intersect(pts[i], pts[i + 1], pts[j], pts[j + 1]):
                return "ring_crosses", {"first": i + 1, "second": j + 1}
    return None


def point_in_ring(p: Point, ring: Sequence[Point]) -> bool:
    inside = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > p[1]) != (y2 > p[1]):
            x = x1 + (p[1] - y1) * (x2 - x1) / (y2 - y1)
            if x > p[0]:
                inside = not inside
    return inside


def polygon_problem(polygon: Sequence[Sequence[Sequence[float]]]) -> Problem | None:
    """Why a GeoJSON Polygon's coordinates are invalid, or None; a hole's problem names the
    hole ("hole": its number)."""
    if not polygon:
        return "no_rings", {}
    for k, ring in enumerate(polygon):
        problem = ring_problem(ring)
        if problem:
            code, figures = problem
            return code, ({**figures, "hole": k} if k else figures)
    shell = [(float(p[0]), float(p[1])) for p in polygon[0]]
    for k, hole in enumerate(polygon[1:], start=1):
        if not all(point_in_ring((float(p[0]), float(p[1])), shell) for p in hole[:-1]):
            return "hole_outside", {"hole": k}
    return None


def polygon_centroid(polygon: Sequence[Sequence[Sequence[float]]]) -> Point:
    """Area-weighted centroid of a polygon's outer ring."""
    ring = [(float(p[0]), float(p[1])) for p in polygon[0]]
    a = ring_area(ring)
    cx = cy = 0.0
    for i in range(len(ring) - 1):
        cross = ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
        cx += (ring[i][0] + ring[i + 1][0]) * cross
        cy += (ring[i][1] + ring[i + 1][1]) * cross
    return cx / (6 * a), cy / (6 * a)


def distance_m(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def distances_to_area_km(
    lats: Sequence[float], lons: Sequence[float], polygons: Sequence[Sequence[Sequence[Point]]]
) -> list[float]:
    """Distance (km) of each WGS84 point to an area given as polygons of (lon, lat) rings (the
    first ring of each the outer one, holes after): 0 inside it. Measured on an azimuthal
    equidistant projection centred on the area, exact from its centre and within a fraction of
    a percent for points a few tens of km around it; a point on the other side of the earth
    (no position on that projection) is infinitely far."""
    rings = [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]
    if not rings or not len(lats):
        return [math.inf] * len(lats)
    lon0, lat0 = np.concatenate(rings).mean(axis=0)
    local = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m",
        always_xy=True,
    )
    px, py = local.transform(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    px, py = np.atleast_1d(px), np.atleast_1d(py)
    segments = []
    for ring in rings:
        x, y = local.transform(ring[:, 0], ring[:, 1])
        segments.append(np.column_stack([x[:-1], y[:-1], x[1:], y[1:]]))
    ax, ay, bx, by = np.concatenate(segments).T
    out = np.full(len(px), np.inf)
    step = max(1, 2_000_000 // max(1, len(ax)))  # bounded memory: points × segments per chunk
    for start in range(0, len(px), step):
        x, y = px[start : start + step, None], py[start : start + step, None]
        dx, dy = bx - ax, by - ay
        length2 = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
        t = np.clip(((x - ax) * dx + (y - ay) * dy) / length2, 0.0, 1.0)
        nearest = np.hypot(x - (ax + t * dx), y - (ay + t * dy)).min(axis=1)
        crosses = ((ay > y) != (by > y)) & (x < dx * (y - ay) / np.where(dy == 0, 1, dy) + ax)
        inside = crosses.sum(axis=1) % 2 == 1
        out[start : start + step] = np.where(inside, 0.0, nearest) / 1000.0
    out[~(np.isfinite(px) & np.isfinite(py))] = np.inf
    return [float(d) for d in out]
