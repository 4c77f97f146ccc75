"""The permit's map extract: vector drawing of LV95 geometries, to scale, no tiles.

Two panels: the whole territory with the works marked, and a detail around the work areas
with the town boundary, the town's streets and address points near the works (its own layers,
nothing fetched), a scale bar, the scale and a north arrow. A site too small to see at the
detail's scale is drawn at MIN_SITE_MM across.
"""

from __future__ import annotations

import math
import re

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

GAP = 4 * mm
MIN_DETAIL_M = 120.0
#: A work area drawn smaller than this is also marked by a circle this wide.
MIN_SITE_MM = 3.0
STREET = colors.HexColor("#8c8c8c")
#: "Avenue de Lavaux 12a" -> ("Avenue de Lavaux", "12a")
_NUMBERED = re.compile(r"^(.*\S)\s+(\d+\s?[a-zA-Z]?)$")
LABEL = colors.HexColor("#444444")


def _rings(geometry):
    """Exterior and interior rings of a (Multi)Polygon as coordinate lists."""
    polygons = [geometry] if geometry.geom_type == "Polygon" else list(geometry)
    for polygon in polygons:
        for ring in polygon:
            yield ring.coords


def _lines(geometry):
    """The coordinate lists of a line, a polygon's rings or a collection's parts."""
    kind = geometry.geom_type
    if kind == "LineString":
        yield geometry.coords
    elif kind == "Polygon":
        yield from _rings(geometry)
    elif kind.startswith("Multi") or kind == "GeometryCollection":
        for part in geometry:
            yield from _lines(part)


def detail_bounds(areas) -> tuple[float, float, float, float] | None:
    """The detail panel's square around the work areas (LV95), None without areas: also what
    the PDF asks the town's streets and addresses for."""
    if not areas:
        return None
    xs = [v for a in areas for v in (a.extent[0], a.extent[2])]
    ys = [v for a in areas for v in (a.extent[1], a.extent[3])]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), MIN_DETAIL_M) * 0.65
    return cx - half, cy - half, cx + half, cy + half


def _nice_length(max_metres: float) -> float:
    exponent = 10 ** math.floor(math.log10(max_metres))
    for factor in (5, 2, 1):
        if factor * exponent <= max_metres:
            return factor * exponent
    return exponent


class _Panel:
    """Maps LV95 metres into a rectangle of the page with one scale for both axes."""

    def __init__(self, bounds, x, y, width, height):
        minx, miny, maxx, maxy = bounds
        span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
        self.scale = min(width / span_x, height / span_y)  # points per metre
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        self.x0 = x + width / 2 - cx * self.scale
        self.y0 = y + height / 2 - cy * self.scale
        self.rect = (x, y, width, height)

    def point(self, coord):
        return self.x0 + coord[0] * self.scale, self.y0 + coord[1] * self.scale

    def draw(self, canvas, geometry, *, stroke, fill=None, width=0.8):
        path = canvas.beginPath()
        for ring in _rings(geometry):
            first, *rest = ring
            path.moveTo(*self.point(first))
            for coord in rest:
                path.lineTo(*self.point(coord))
            path.close()
        canvas.setStrokeColor(stroke)
        canvas.setLineWidth(width)
        if fill is not None:
            canvas.setFillColor(fill)
        canvas.drawPath(path, stroke=1, fill=1 if fill is not None else 0, fillMode=0)


class MapExtract(Flowable):
    """Overview of the territory and detail of the work areas, both to scale."""

    def __init__(
        self, *, territory, areas, width, height, font, colour, labels, streets=(), addresses=()
    ):
        """`streets`: (name, LV95 geometry) of the town's street lines near the works;
        `addresses`: (label, LV95 point) of its address points there."""
        super().__init__()
        self.territory, self.areas = territory, areas
        self.width, self.height = width, height
        self.font, self.colour, self.labels = font, colour, labels
        self.streets, self.addresses = list(streets), list(addresses)

    def _detail_bounds(self):
        return detail_bounds(self.areas) or self.territory.extent

    def _streets(self, canvas, panel):
        """The town's street lines with their names, and its address points with theirs."""
        canvas.setStrokeColor(STREET)
        canvas.setLineWidth(2.2)
        canvas.setLineCap(1)
        for _name, geometry in self.streets:
            for coords in _lines(geometry):
                first, *rest = coords
                path = canvas.beginPath()
                path.moveTo(*panel.point(first))
                for coord in rest:
                    path.lineTo(*panel.point(coord))
                canvas.drawPath(path, stroke=1, fill=0)
        canvas.setFont(self.font, 6)
        canvas.setFillColor(LABEL)
        for name, geometry in self.streets:
            if name:
                x, y = panel.point(geometry.point_on_surface.coords)
                canvas.drawCentredString(x, y + 1.2 * mm, name)
        # Each point with its house number; each street's name once, below its points' centre.
        streets: dict[str, list] = {}
        for label, point in self.addresses:
            match = _NUMBERED.match(label.strip())
            street, number = match.groups() if match else (label.strip(), "")
            streets.setdefault(street, []).append(point)
            x, y = panel.point(point.coords)
            canvas.circle(x, y, 0.5 * mm, stroke=0, fill=1)
            if number:
                canvas.drawString(x + 1 * mm, y - 0.8 * mm, number)
        for street, points in streets.items():
            x, y = panel.point(
                (
                    sum(p.x for p in points) / len(points),
                    sum(p.y for p in points) / len(points),
                )
            )
            canvas.drawCentredString(x, y - 3 * mm, street)

    def _minimum_size(self, canvas, panel, area, colour):
        """A circle MIN_SITE_MM wide on an area the panel's scale draws smaller than that."""
        minx, miny, maxx, maxy = area.extent
        if max(maxx - minx, maxy - miny) * panel.scale >= MIN_SITE_MM * mm:
            return
        x, y = panel.point(area.centroid.coords)
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(1)
        canvas.setFillColor(colors.Color(colour.red, colour.green, colour.blue, alpha=0.6))
        canvas.circle(x, y, MIN_SITE_MM * mm / 2, stroke=1, fill=1)

    def _outline(self, canvas, panel, label):
        x, y, w, h = panel.rect
        canvas.setStrokeColor(colors.HexColor("#777777"))
        canvas.setLineWidth(0.5)
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.setFont(self.font, 7.5)
        canvas.drawString(x + 2 * mm, y + h - 4 * mm, label)

    def _scale_bar(self, canvas, panel):
        x, y, w, _h = panel.rect
        metres = _nice_length(w * 0.3 / panel.scale)
        length = metres * panel.scale
        left, base = x + 3 * mm, y + 3 * mm
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(1.2)
        canvas.line(left, base, left + length, base)
        canvas.line(left, base - 1.2 * mm, left, base + 1.2 * mm)
        canvas.line(left + length, base - 1.2 * mm, left + length, base + 1.2 * mm)
        canvas.setFillColor(colors.black)
        canvas.setFont(self.font, 7)
        label = f"{metres:g} m" if metres < 1000 else f"{metres / 1000:g} km"
        ratio = round(1 / (panel.scale / 72 * 0.0254), -1)  # metres on the ground per metre
        canvas.drawString(
            left + length + 2 * mm, base - 1 * mm, f"{label} · 1:{ratio:,.0f}".replace(",", "'")
        )

    def _north(self, canvas, panel):
        x, y, w, h = panel.rect
        cx, top = x + w - 6 * mm, y + h - 4 * mm
        path = canvas.beginPath()
        path.moveTo(cx, top)
        path.lineTo(cx - 2 * mm, top - 6 * mm)
        path.lineTo(cx + 2 * mm, top - 6 * mm)
        path.close()
        canvas.setFillColor(colors.black)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.setFont(self.font, 7)
        canvas.drawCentredString(cx, top - 9.5 * mm, "N")

    def draw(self):
        canvas = self.canv
        overview_w = (self.width - GAP) * 0.4
        detail_w = self.width - GAP - overview_w
        works = colors.HexColor("#c0392b")
        territory_fill = colors.Color(0.93, 0.95, 0.97)

        overview = _Panel(
            self.territory.extent, 2 * mm, 2 * mm, overview_w - 4 * mm, self.height - 9 * mm
        )
        self._outline(canvas, _Panel((0, 0, 1, 1), 0, 0, overview_w, self.height), self.labels[0])
        overview.draw(canvas, self.territory, stroke=self.colour, fill=territory_fill)
        for area in self.areas:
            px, py = overview.point(area.centroid.coords)
            canvas.setFillColor(works)
            canvas.circle(px, py, 1.6 * mm, stroke=0, fill=1)
        self._north(canvas, _Panel((0, 0, 1, 1), 0, 0, overview_w, self.height))

        left = overview_w + GAP
        detail = _Panel(self._detail_bounds(), left, 0, detail_w, self.height)
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(left, 0, detail_w, self.height)
        canvas.clipPath(clip, stroke=0, fill=0)
        detail.draw(canvas, self.territory, stroke=self.colour, fill=territory_fill, width=1.5)
        self._streets(canvas, detail)
        hatch = colors.Color(0.75, 0.22, 0.17, alpha=0.45)
        for area in self.areas:
            detail.draw(canvas, area, stroke=works, fill=hatch, width=1)
            self._minimum_size(canvas, detail, area, works)
        canvas.restoreState()
        self._outline(canvas, detail, self.labels[1])
        self._scale_bar(canvas, detail)
        self._north(canvas, detail)
