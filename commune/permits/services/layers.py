"""Review layers uploaded by the town: a GeoJSON file or a zipped shapefile, read with GDAL
and stored feature by feature in LV95."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits.models import ReviewFeature, ReviewLayer
from commune.tenants.models import LV95

LABEL_FIELDS = ("name", "nom", "label", "id")


def _read(path: Path):
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise ValidationError(_("The layer file cannot be read (GeoJSON or shapefile).")) from exc
    layer = source[0]
    for feature in layer:
        geom = feature.geom
        if geom.srs is None:
            geom.srid = 4326 if abs(geom.extent[0]) <= 180 else LV95
        if geom.srid != LV95:
            geom.transform(LV95)
        label = ""
        for name in LABEL_FIELDS:
            if name in layer.fields:
                label = str(feature.get(name) or "")
                break
        yield geom.geos, label


@transaction.atomic
def review_layer_import(*, municipality, name: str, department, upload, actor) -> ReviewLayer:
    """Create a layer from an uploaded .geojson/.json or .zip (shapefile)."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in {".geojson", ".json", ".zip"}:
        raise ValidationError(_("Upload a GeoJSON file or a zipped shapefile."))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"layer{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                shp = [n for n in archive.namelist() if n.lower().endswith(".shp")]
                if not shp:
                    raise ValidationError(_("The zip file holds no shapefile (.shp)."))
                for member in archive.namelist():
                    if ".." in member or member.startswith("/"):
                        raise ValidationError(_("The zip file is not a plain shapefile."))
                archive.extractall(tmp)  # noqa: S202 - member names checked above
            path = Path(tmp) / shp[0]
        features = list(_read(path))
    if not features:
        raise ValidationError(_("The layer has no features."))
    layer = ReviewLayer.objects.create(
        municipality=municipality, name=name, department=department, source_name=upload.name
    )
    ReviewFeature.objects.bulk_create(
        [
            ReviewFeature(municipality=municipality, layer=layer, geometry=geom, label=label[:200])
            for geom, label in features
        ]
    )
    audit.record(actor=actor, obj=layer, action="layer_imported", after={"features": len(features)})
    return layer
