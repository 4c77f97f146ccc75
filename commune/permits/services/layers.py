"""Review layers uploaded by the town: a GeoJSON file or a zipped shapefile, stored feature by
feature in LV95.

An upload is hostile until read (issue 7): GDAL picks a driver from a file's content and does
what the file says, and an OGR VRT saved as .json read the server's database into labels.
* The content decides (commune.core.uploads): GeoJSON or a ZIP archive, nothing else.
* GeoJSON never reaches GDAL as a file: it is parsed here with a depth bound, each geometry is
  rebuilt from its type and coordinates alone (a "crs" link inside is dropped) and made by
  GEOS; the only coordinate system accepted is an EPSG code.
* A shapefile comes in a zip checked before anything is unpacked (untrusted.archives): only
  .shp .shx .dbf .prj .cpg of one name, sizes and ratio bounded. Its members are copied under
  our own names into our own temporary folder, and GDAL opens that copy with the shapefile
  driver only and the list of its files (commune.core.gdal_safety.vector_open).
* Labels are text of at most 200 characters; a layer holds at most MAX_FEATURES features.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from pathlib import Path

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.archives import zip_open_checked
from commune.core.bounds import BadJSON, json_loads_bounded
from commune.core.gdal_safety import vector_open
from commune.core.uploads import validate_upload
from commune.permits.models import ReviewFeature, ReviewLayer
from commune.tenants.models import LV95
from untrusted.archives import MiB, ZipLimits, zip_extract

LABEL_FIELDS = ("name", "nom", "label", "id")
LABEL_LENGTH = 200
MAX_FEATURES = 50_000
SHAPEFILE_PARTS = frozenset({".shp", ".shx", ".dbf", ".prj", ".cpg"})
SHAPEFILE_REQUIRED = (".shp", ".shx", ".dbf")
SHAPEFILE_ZIP = ZipLimits(
    max_members=len(SHAPEFILE_PARTS),
    max_member_bytes=64 * MiB,
    max_total_bytes=128 * MiB,
    max_ratio=200,  # a .dbf of wide, mostly blank text fields compresses very well
    suffixes=SHAPEFILE_PARTS,
)
#: The file code that opens a .shp and a .shx (big-endian 9994).
SHAPEFILE_CODE = b"\x00\x00\x27\x0a"
GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
_EPSG = re.compile(r"^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:)([0-9]{4,6})$", re.IGNORECASE)
_CRS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84"}

Feature = tuple[GEOSGeometry, str]


@transaction.atomic
def review_layer_import(*, municipality, name: str, department, upload, actor) -> ReviewLayer:
    """Create a layer from an uploaded GeoJSON file or zipped shapefile (recognised by their
    content). A file that cannot be read, or that is anything else, is a ValidationError saying
    why, and nothing is created."""
    features = _read_upload(upload)
    if not features:
        raise ValidationError(_("The layer has no features."), code="empty")
    layer = ReviewLayer.objects.create(
        municipality=municipality, name=name, department=department, source_name=upload.name
    )
    ReviewFeature.objects.bulk_create(
        [
            ReviewFeature(municipality=municipality, layer=layer, geometry=geom, label=label)
            for geom, label in features
        ],
        batch_size=1000,
    )
    audit.record(actor=actor, obj=layer, action="layer_imported", after={"features": len(features)})
    return layer


def _read_upload(upload) -> list[Feature]:
    try:
        kind = validate_upload(upload, allowed={"geojson", "zip"})
    except ValidationError as exc:
        if exc.params and exc.params.get("found") in {"text", "json"}:
            _raise_json_error(upload)  # JSON that is not GeoJSON: say what is wrong with it
        raise
    if kind == "zip":
        return _read_shapefile_zip(upload)
    return _read_geojson(upload)


def _raise_json_error(upload) -> None:
    """A precise message for text that starts like JSON (too deep, broken, not GeoJSON)."""
    upload.seek(0)
    head = upload.read(1024).lstrip(b"\xef\xbb\xbf \r\n\t")[:1]
    if head not in (b"{", b"["):
        return
    _load_json(upload)
    raise ValidationError(
        _("A GeoJSON layer is a FeatureCollection or a Feature."), code="not_geojson"
    )


# GeoJSON ------------------------------------------------------------------------------------


def _load_json(upload):
    """The upload's JSON (UTF-8, with or without a byte-order mark), depth-bounded."""
    upload.seek(0)
    try:
        return json_loads_bounded(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationError(_("This is not valid JSON."), code="json") from exc
    except BadJSON as exc:
        raise ValidationError(exc.message, code="json") from exc


def _read_geojson(upload) -> list[Feature]:
    data = _load_json(upload)
    srid = _crs_srid(data.get("crs"))
    items = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    if not isinstance(items, list):
        raise ValidationError(_("A GeoJSON layer is a FeatureCollection or a Feature."))
    _check_count(len(items))
    features = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise ValidationError(
                _("Feature %(n)d is not a GeoJSON Feature.") % {"n": number}, code="feature"
            )
        properties = item.get("properties") if isinstance(item.get("properties"), dict) else {}
        geom = _geos_from_geojson(item.get("geometry"), srid, number)
        features.append((geom, _label(properties)))
    return features


def _crs_srid(crs) -> int | None:
    """The EPSG code of a (2008-style) GeoJSON "crs" member; None without one. A link or any
    other kind is refused: GDAL would fetch or read it."""
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(crs, dict) and crs.get("type") == "name" and isinstance(name, str):
        if name in _CRS84:
            return 4326
        match = _EPSG.match(name.strip())
        if match:
            return int(match.group(1))
    raise ValidationError(
        _(
            "The layer's coordinate system must be named by its EPSG code "
            "(e.g. urn:ogc:def:crs:EPSG::2056); links and other kinds are not read."
        ),
        code="crs",
    )


def _geos_from_geojson(geometry, srid: int | None, number: int) -> GEOSGeometry:
    """GEOS geometry from a GeoJSON geometry, rebuilt from its type and coordinates only."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        raise ValidationError(
            _("Feature %(n)d has no point, line or polygon geometry.") % {"n": number},
            code="geometry",
        )
    coordinates = geometry.get("coordinates")
    first = _first_position(coordinates, number)
    clean = {"type": geometry["type"], "coordinates": coordinates}
    try:
        geom = GEOSGeometry(json.dumps(clean))
        geom.srid = srid or (4326 if abs(first[0]) <= 180 else LV95)
        if geom.srid != LV95:
            geom.transform(LV95)
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise _unreadable_feature(number) from exc
    return geom


def _first_position(coordinates, number: int) -> list:
    """The first position, after checking that every coordinate is a finite number."""
    stack, first = [coordinates], None
    while stack:
        node = stack.pop()
        if not isinstance(node, list) or not node:
            raise _unreadable_feature(number)
        if all(isinstance(value, int | float) and not isinstance(value, bool) for value in node):
            if not 2 <= len(node) <= 3 or not all(math.isfinite(value) for value in node):
                raise _unreadable_feature(number)
            first = first or node
            continue
        stack.extend(reversed(node))
    return first


def _unreadable_feature(number: int) -> ValidationError:
    return ValidationError(
        _("Feature %(n)d: its coordinates cannot be read or converted to LV95.") % {"n": number},
        code="coordinates",
    )


# Shapefile ----------------------------------------------------------------------------------


def _read_shapefile_zip(upload) -> list[Feature]:
    with zip_open_checked(upload, SHAPEFILE_ZIP) as (archive, members):
        parts = _shapefile_parts(members)
        with tempfile.TemporaryDirectory(prefix="commune-layer-") as folder:
            names = []
            for suffix, info in parts.items():
                target = zip_extract(archive, info, Path(folder) / f"layer{suffix}")
                names.append(target.name)
            _check_shapefile_code(Path(folder), parts)
            return _read_shapefile(Path(folder) / "layer.shp", names)


def _shapefile_parts(members) -> dict:
    """The members by suffix, after checking that they are the parts of one shapefile."""
    stems = sorted({Path(info.filename).stem for info in members}, key=str.casefold)
    if len({stem.casefold() for stem in stems}) > 1:
        raise ValidationError(
            _("The ZIP archive holds more than one shapefile (%(names)s); upload one per layer.")
            % {"names": ", ".join(stems)},
            code="several",
        )
    parts = {Path(info.filename).suffix.lower(): info for info in members}
    for suffix in SHAPEFILE_REQUIRED:
        if suffix not in parts:
            raise ValidationError(
                _("The ZIP archive holds no shapefile %(suffix)s file.") % {"suffix": suffix},
                code="missing",
            )
    return parts


def _check_shapefile_code(folder: Path, parts: dict) -> None:
    for suffix in (".shp", ".shx"):
        with open(folder / f"layer{suffix}", "rb") as part:
            if part.read(4) != SHAPEFILE_CODE:
                raise ValidationError(
                    _("%(name)s is not a shapefile.") % {"name": parts[suffix].filename},
                    code="not_shapefile",
                )


def _read_shapefile(path: Path, siblings: list[str]) -> list[Feature]:
    try:
        source = vector_open(path, drivers=["ESRI Shapefile"], siblings=siblings)
        layer = source[0]
        _check_count(len(layer))
        fields = {name.casefold(): name for name in layer.fields}
        label_field = next((fields[f] for f in LABEL_FIELDS if f in fields), None)
        return [
            _shapefile_feature(feature, label_field, number)
            for number, feature in enumerate(layer, start=1)
        ]
    except GDALException as exc:
        raise ValidationError(
            _("The shapefile cannot be read: %(reason)s") % {"reason": exc}, code="unreadable"
        ) from exc


def _shapefile_feature(feature, label_field: str | None, number: int) -> Feature:
    try:
        geom = feature.geom
        if geom.srs is None:
            geom.srid = 4326 if abs(geom.extent[0]) <= 180 else LV95
        if geom.srid != LV95:
            geom.transform(LV95)
        geos = geom.geos
    except (GDALException, GEOSException) as exc:
        raise _unreadable_feature(number) from exc
    try:
        label = feature.get(label_field) if label_field else None
    except UnicodeDecodeError:  # text not in the encoding its .cpg names
        label = None
    return geos, _label({"name": label})


# Both ---------------------------------------------------------------------------------------


def _label(properties: dict) -> str:
    """The first label property present, as text of at most LABEL_LENGTH characters."""
    for name in LABEL_FIELDS:
        value = properties.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value).strip()[:LABEL_LENGTH]
    return ""


def _check_count(count: int) -> None:
    if count > MAX_FEATURES:
        raise ValidationError(
            _("The layer holds %(n)d features; the limit is %(limit)d.")
            % {"n": count, "limit": MAX_FEATURES},
            code="too_many",
        )
