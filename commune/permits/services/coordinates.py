"""Plain coordinates typed by an applicant, read as one point in LV95.

Accepted, as people copy them from a plan, map.geo.admin.ch or a phone:

* Swiss LV95 east / north in metres: ``2'539'000 / 1'151'000``, ``2 539 000 1 151 000``,
  ``E 2539000, N 1151000``, ``2539000.5;1151000.25``;
* WGS84 in degrees: ``46.51, 6.66`` (latitude, longitude) or ``6.66, 46.51`` (longitude,
  latitude): Switzerland's latitudes and longitudes do not overlap, so the order is read from
  the ranges; ``46.51° N, 6.66° E`` and decimal commas (``46,51 6,66``) too.

Several points, one a line, make a shape (`typed_shape()`): one point is a pit of a given
length (east–west) and width (north–south) centred on it; two or more are a trench along them,
of a given width.

Pure functions (no database): `point_parse()` gives the point or raises ValidationError with a
sentence in the user's language; `point_square()` makes the small work area placed there.
"""

from __future__ import annotations

import math
import re
import unicodedata

from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commune.tenants.models import LV95

#: Longer than any way of writing two coordinates: the rest is refused unread.
MAX_LENGTH = 80
#: Switzerland (and its border), in each system: LV95's (east, north) and WGS84's (lat, lon).
LV95_EAST = (2_480_000.0, 2_840_000.0)
LV95_NORTH = (1_070_000.0, 1_300_000.0)
LATITUDE = (45.8, 47.9)
LONGITUDE = (5.9, 10.6)
#: The side of the square placed at a point (metres): a manhole, a connection pit.
SQUARE_SIDE_M = 2.0
#: At most this many typed points (lines) make one trench.
MAX_POINTS = 50
#: The longest text of typed points: MAX_POINTS lines of MAX_LENGTH.
MAX_TEXT = MAX_POINTS * (MAX_LENGTH + 2)

_APOSTROPHES = "'’ʼ`´′"
_LABELS = re.compile(r"(?<![A-Za-z0-9.])(?:E|N|Y|X|lat|lon|lng)(?![A-Za-z])\s*[:=]?", re.IGNORECASE)
_ALLOWED = re.compile(r"^[0-9\s.,;/+\-]*$")
# A number with spaces between groups of three digits, or a plain (decimal) number.
_NUMBER = re.compile(r"[-+]?\d{1,3}(?: \d{3})+(?:\.\d+)?(?!\d)|[-+]?\d+(?:[.,]\d+)?")
_SEPARATORS = re.compile(r"^[\s,;/]*$")


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "These coordinates cannot be read: write east / north in LV95 (2'539'000 / "
            "1'151'000) or latitude, longitude in degrees (46.51, 6.66)."
        ),
        code="coordinates",
    )


def _numbers(text: str) -> list[float]:
    text = unicodedata.normalize("NFKC", text).replace("°", " ")
    text = re.sub(rf"(?<=\d)[{_APOSTROPHES}](?=\d)", "", text)
    text = _LABELS.sub(" ", text).strip()
    if not _ALLOWED.match(text):
        raise _refused()
    if "." in text or text.count(",") == 1:  # decimal points, or one comma between two numbers
        text = text.replace(",", " , ")
    text = re.sub(r"\s+", " ", text)
    found = list(_NUMBER.finditer(text))
    between = [text[: found[0].start()] if found else text]
    between += [text[a.end() : b.start()] for a, b in zip(found, found[1:], strict=False)]
    between.append(text[found[-1].end() :] if found else "")
    if len(found) != 2 or not all(_SEPARATORS.match(gap) for gap in between):
        raise _refused()
    values = [float(m.group(0).replace(" ", "").replace(",", ".")) for m in found]
    if not all(math.isfinite(v) for v in values):
        raise _refused()
    return values


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def point_parse(text: str) -> Point:
    """The point `text` names, in LV95 (srid 2056), or ValidationError: unreadable, or not in
    Switzerland."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise _refused()
    a, b = _numbers(text)
    if _inside(a, LV95_EAST) and _inside(b, LV95_NORTH):
        return Point(a, b, srid=LV95)
    if _inside(b, LV95_EAST) and _inside(a, LV95_NORTH):
        return Point(b, a, srid=LV95)
    for lat, lon in ((a, b), (b, a)):
        if _inside(lat, LATITUDE) and _inside(lon, LONGITUDE):
            point = Point(lon, lat, srid=4326)
            point.transform(LV95)
            return point
    raise ValidationError(
        _(
            "These coordinates are not in Switzerland: write east / north in LV95 "
            "(2'539'000 / 1'151'000) or latitude, longitude in degrees (46.51, 6.66)."
        ),
        code="not_in_switzerland",
    )


def point_square(point: Point, *, side_m: float = SQUARE_SIDE_M) -> Polygon:
    """A square work area of `side_m` metres centred on `point` (LV95)."""
    return point_pit(point, length_m=side_m, width_m=side_m)


def points_parse(text: str) -> list[Point]:
    """The points typed one a line (blank lines skipped), in LV95, or ValidationError naming
    the line that cannot be read."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise _refused()
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or len(lines) > MAX_POINTS:
        raise ValidationError(
            _("Type from one to %(n)d points, one a line.") % {"n": MAX_POINTS}, code="points"
        )
    points = []
    for number, line in enumerate(lines, start=1):
        try:
            points.append(point_parse(line))
        except ValidationError as exc:
            if len(lines) == 1:
                raise
            raise ValidationError(
                _("Line %(n)d: %(problem)s") % {"n": number, "problem": exc.messages[0]},
                code=exc.error_list[0].code,
            ) from None
    return points


def point_pit(point: Point, *, length_m: float, width_m: float) -> Polygon:
    """A pit of `length_m` (east–west) by `width_m` (north–south) metres centred on `point`."""
    half_l, half_w = length_m / 2, width_m / 2
    pit = Polygon.from_bbox(
        (point.x - half_l, point.y - half_w, point.x + half_l, point.y + half_w)
    )
    pit.srid = LV95
    return pit


def typed_shape(
    points: list[Point], *, length_m: float, width_m: float, trench_width_m: float | None
) -> tuple[GEOSGeometry, Polygon]:
    """What the typed points draw, in LV95, and the ground it covers: one point, a pit of
    `length_m` × `width_m`; several, a trench along them `trench_width_m` wide (flat ends, as
    `geometry.py` buffers a drawn line). ValidationError when the trench has no width."""
    if len(points) == 1:
        pit = point_pit(points[0], length_m=length_m, width_m=width_m)
        return pit, pit
    if not trench_width_m:
        raise ValidationError(
            _("Several points make a trench: give its width (in metres) above."), code="width"
        )
    line = LineString([p.coords for p in points], srid=LV95)
    if line.length < 0.5:
        raise ValidationError(_("The line is too short to be real."), code="small")
    ground = line.buffer_with_style(trench_width_m / 2, end_cap_style=2)
    ground.srid = LV95
    return line, ground


def typed_area_in(
    text: str,
    *,
    territory,
    length_m: float = SQUARE_SIDE_M,
    width_m: float = SQUARE_SIDE_M,
    trench_width_m: float | None = None,
) -> GEOSGeometry:
    """The pit or trench the points typed in `text` draw (LV95), checked to lie inside the
    town's `territory`, or ValidationError in the user's language."""
    drawn, ground = typed_shape(
        points_parse(text), length_m=length_m, width_m=width_m, trench_width_m=trench_width_m
    )
    if not territory.contains(ground):
        raise ValidationError(
            _(
                "These coordinates are outside the municipality's territory: check them, or "
                "draw the area on the map."
            ),
            code="outside",
        )
    return drawn
