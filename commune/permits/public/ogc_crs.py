"""Coordinate reference systems of the OGC API (Features Part 2, CRS by reference).

The works are stored in LV95 (EPSG:2056). Clients may ask for the features in CRS84
(longitude, latitude: the default, as GeoJSON requires) or in LV95 (east, north), with
`crs=<URI>`, and give `bbox` in either with `bbox-crs=<URI>`. Any other CRS is refused with a
400, never answered in a CRS the client did not ask for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commune.tenants.models import LV95

from .params import BadParameter, parse_bbox
from .selectors import WGS84


@dataclass(frozen=True)
class Crs:
    """One supported CRS: its OGC URI, the SRID the database uses, the coordinate precision
    of the answers (1e-7 degree is 1 cm; LV95 in metres to the centimetre)."""

    uri: str
    srid: int
    precision: int


CRS84 = Crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", WGS84, 7)
EPSG_2056 = Crs("http://www.opengis.net/def/crs/EPSG/0/2056", LV95, 2)
#: In the order the collection declares them: CRS84 first (the default).
SUPPORTED = (CRS84, EPSG_2056)
CONFORMANCE_CRS = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
#: Where a bbox in LV95 may lie: Switzerland and Liechtenstein with a margin (metres).
LV95_BOUNDS = (2_400_000.0, 1_000_000.0, 2_900_000.0, 1_350_000.0)


def _lookup(name: str, text: str) -> Crs:
    value = text.strip()
    for crs in SUPPORTED:
        # the URI with http or https, and the safe CURIE [EPSG:2056] some clients send
        if value in (crs.uri, crs.uri.replace("http://", "https://")):
            return crs
    if value.upper() == "[EPSG:2056]":
        return EPSG_2056
    if value.upper() == "[OGC:CRS84]":
        return CRS84
    raise BadParameter(
        name,
        _("%(name)s: unsupported coordinate reference system %(value)s; use one of: %(uris)s.")
        % {"name": name, "value": value[:200], "uris": ", ".join(c.uri for c in SUPPORTED)},
    )


def parse_crs(text: str | None) -> Crs:
    """The `crs` parameter: the CRS of the answer (CRS84 when absent)."""
    return CRS84 if text is None else _lookup("crs", text)


def parse_bbox_crs(bbox: str, bbox_crs: str | None) -> tuple[tuple[float, ...], Crs]:
    """`bbox` in the CRS `bbox-crs` names (CRS84 when absent): its four numbers and the CRS.
    In LV95 the numbers are east, north (min) then east, north (max), in metres."""
    crs = CRS84 if bbox_crs is None else _lookup("bbox-crs", bbox_crs)
    if crs is CRS84:
        return parse_bbox(bbox), crs
    parts = bbox.split(",")
    if len(parts) != 4:
        raise BadParameter(
            "bbox", _("bbox in LV95 needs 4 numbers (min east, min north, max east, max north).")
        )
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError as exc:
        raise BadParameter("bbox", _("bbox must contain numbers only.")) from exc
    if not all(math.isfinite(n) for n in (minx, miny, maxx, maxy)):
        raise BadParameter("bbox", _("bbox must contain finite numbers."))
    low_e, low_n, high_e, high_n = LV95_BOUNDS
    if not (low_e <= minx <= high_e and low_e <= maxx <= high_e) or not (
        low_n <= miny <= high_n and low_n <= maxy <= high_n
    ):
        raise BadParameter(
            "bbox", _("bbox in LV95 is east, north in metres (2'600'000, 1'200'000): out of range.")
        )
    if minx > maxx or miny > maxy:
        raise BadParameter("bbox", _("bbox: the minimum comes before the maximum."))
    return (minx, miny, maxx, maxy), crs


def content_crs(crs: Crs) -> str:
    """The `Content-Crs` header of an answer with features in this CRS."""
    return f"<{crs.uri}>"


def legacy_crs_member(crs: Crs) -> dict | None:
    """The GeoJSON 2008 `crs` member for an answer that is not in CRS84 (RFC 7946 dropped it,
    but GDAL's GeoJSON reader and QGIS opening the URL read it; `Content-Crs` alone is lost
    when the document is saved to a file). None in CRS84, where RFC 7946 applies."""
    if crs is CRS84:
        return None
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs.srid}"}}
