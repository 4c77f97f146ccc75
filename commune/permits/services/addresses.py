"""The town's address layer: imported from a GeoJSON file of points with a `label`, replacing
the previous layer in one transaction; searched without regard to accents or case."""

from __future__ import annotations

import json

from django.contrib.gis.geos import GEOSException, Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.uploads import validate_upload
from commune.permits.models import Address
from commune.permits.models.address import address_key
from commune.tenants.models import LV95

MAX_ADDRESSES = 50_000


def _point(coordinates, number: int) -> Point:
    try:
        x, y = float(coordinates[0]), float(coordinates[1])
    except (TypeError, ValueError, IndexError):
        raise ValidationError(
            _("Feature %(n)d: the coordinates are not numbers.") % {"n": number}, code="invalid"
        ) from None
    point = Point(x, y, srid=4326 if abs(x) <= 180 and abs(y) <= 90 else LV95)
    if point.srid != LV95:
        point.transform(LV95)
    return point


def _read_features(upload) -> list[tuple[str, Point]]:
    validate_upload(upload, allowed={"geojson"})
    upload.seek(0)
    data = json.loads(upload.read().decode("utf-8-sig"))
    features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    if not isinstance(features, list) or not features:
        raise ValidationError(_("The file holds no address."), code="empty")
    if len(features) > MAX_ADDRESSES:
        raise ValidationError(
            _("The file holds more than %(n)d addresses.") % {"n": MAX_ADDRESSES}, code="too_many"
        )
    rows = []
    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        properties = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            raise ValidationError(
                _("Feature %(n)d is not a point.") % {"n": number}, code="not_point"
            )
        label = str(properties.get("label") or "").strip()
        if not label:
            raise ValidationError(
                _("Feature %(n)d has no “label” property.") % {"n": number}, code="no_label"
            )
        rows.append((label[:200], _point(geometry.get("coordinates"), number)))
    return rows


@transaction.atomic
def address_layer_import(*, municipality, upload, actor) -> int:
    """Replace the town's addresses with those of `upload` (GeoJSON points with a `label`
    property, WGS84 or LV95). A broken file or an address outside the territory is refused
    with a message naming the feature, and the previous layer stays as it was."""
    try:
        rows = _read_features(upload)
    except GEOSException as exc:
        raise ValidationError(_("A coordinate cannot be converted."), code="invalid") from exc
    for number, (label, point) in enumerate(rows, start=1):
        if not municipality.territory.covers(point):
            raise ValidationError(
                _("Feature %(n)d (%(label)s) lies outside the town.")
                % {"n": number, "label": label},
                code="outside",
            )
    before = Address.objects.filter(municipality=municipality).count()
    Address.objects.filter(municipality=municipality).delete()
    Address.objects.bulk_create(
        [
            Address(
                municipality=municipality, label=label, point=point, search_key=address_key(label)
            )
            for label, point in rows
        ],
        batch_size=1000,
    )
    audit.record(
        actor=actor,
        obj=municipality,
        action="address_layer_imported",
        before={"addresses": before},
        after={"addresses": len(rows), "file": upload.name},
    )
    return len(rows)
