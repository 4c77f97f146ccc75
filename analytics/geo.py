"""Small geometry helpers with no GIS dependency.

* WGS84 <-> Swiss LV95 (EPSG:2056) with swisstopo's published approximate formulas
  ("Approximate formulas for the transformation between Swiss projection coordinates and WGS84"),
  accurate to about 1 m inside Switzerland - enough to place a counter on a map.
* Polygon checks for zone files (closed rings, enough points, no self-intersection, non-zero area,
  holes inside their shell), centroids and planar areas in LV95 metres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]


def wgs84_to_lv95(lat: float, lon: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees -> (E, N) in LV95 metres."""
    phi = (lat * 3600 - 169028.66) / 10000
    lam = (lon * 3600 - 26782.5) / 10000
    e = 2600072.37 + 211455.93 * lam - 10938.51 * lam * phi - 0.36 * lam * phi**2 - 44.54 * lam**3
    n = (
        1200147.07
        + 308807.95 * phi
        + 3745.25 * lam**2
        + 76.63 * phi**2
        - 194.56 * lam**2 * phi
        + 119.79 * phi**3
    )
    return e, n


def lv95_to_wgs84(e: float, n: float) -> tuple[float, float]:
    """(E, N) in LV95 metres -> (latitude, longitude) in degrees."""
    y = (e - 2600000) / 1e6
    x = (n - 1200000) / 1e6
    lam = 2.6779094 + 4.728982 * y + 0.791484 * y * x + 0.1306 * y * x**2 - 0.0436 * y**3
    phi = (
        16.9023892
        + 3.238272 * x
        - 0.270978 * y**2
        - 0.002528 * x**2
        - 0.0447 * y**2 * x
        - 0.0140 * x**3
    )
    return phi * 100 / 36, lam * 100 / 36


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


def ring_problem(ring: Sequence[Sequence[float]]) -> str | None:
    """Why a linear ring is invalid, or None when it is a valid simple closed ring."""
    pts = [(float(p[0]), float(p[1])) for p in ring]
    if len(pts) < 4:
        return f"a ring needs at least 4 positions (got {len(pts)})"
    if pts[0] != pts[-1]:
        return "the ring is not closed (its first and last positions differ)"
    if abs(ring_area(pts)) == 0:
        return "the ring has zero area"
    n = len(pts) - 1
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbouring edges share a vertex
            if segments_intersect(pts[i], pts[i + 1], pts[j], pts[j + 1]):
                return f"the ring crosses itself (edges {i + 1} and {j + 1})"
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


def polygon_problem(polygon: Sequence[Sequence[Sequence[float]]]) -> str | None:
    """Why a GeoJSON Polygon's coordinates are invalid, or None."""
    if not polygon:
        return "the polygon has no rings"
    for k, ring in enumerate(polygon):
        problem = ring_problem(ring)
        if problem:
            return problem if k == 0 else f"hole {k}: {problem}"
    shell = [(float(p[0]), float(p[1])) for p in polygon[0]]
    for k, hole in enumerate(polygon[1:], start=1):
        if not all(point_in_ring((float(p[0]), float(p[1])), shell) for p in hole[:-1]):
            return f"hole {k} is not inside the outer ring"
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
