"""Writes on a town's own settings and departments, each with its audit entry."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commune.core import audit
from commune.core.gdal_safety import vector_open
from commune.core.images import image_to_png

from . import scoping
from .models import LV95, Department, Municipality

MUNICIPALITY_FIELDS = ["modules", "contact_email", "primary_colour"]
#: What a platform operator gives when a town is created (municipality_create).
TOWN_FIELDS = ["name", "slug", "ofs_number", "canton", "languages", "contact_email", "modules"]
TERRITORY_DRIVERS = ["GeoJSON", "ESRI Shapefile", "GPKG"]
BAD_TERRITORY = _(
    "Give a GeoJSON, shapefile or GeoPackage file whose first feature is the town's boundary "
    "(a polygon), in a coordinate system it declares."
)
DEPARTMENT_FIELDS = ["name", "code", "email"]


def territory_read(*, path: Path) -> MultiPolygon:
    """The first feature of the vector file at `path` (GeoJSON, shapefile or GeoPackage, in
    any coordinate system it declares) as a MultiPolygon in LV95, e.g. the town's polygon from
    swisstopo's swissBOUNDARIES3D. Opened with those drivers only (core.gdal_safety)."""
    path = Path(path).resolve()
    siblings = (
        [p.name for p in path.parent.iterdir() if p.stem == path.stem] if path.exists() else []
    )
    try:
        source = vector_open(path, drivers=TERRITORY_DRIVERS, siblings=siblings)
        geometry = source[0][0].geom.transform(LV95, clone=True).geos
    except (GDALException, IndexError) as exc:
        raise ValidationError({"territory": BAD_TERRITORY}) from exc
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry, srid=LV95)
    if not isinstance(geometry, MultiPolygon) or geometry.empty or not geometry.valid:
        raise ValidationError({"territory": BAD_TERRITORY})
    return geometry


@transaction.atomic
def municipality_create(
    *,
    actor,
    name: str,
    slug: str,
    ofs_number: int,
    canton: str,
    territory: MultiPolygon,
    languages: list[str],
    contact_email: str,
    modules: list[str],
) -> Municipality:
    """A new town, checked whole before it is saved (canton, modules, languages, the address
    name and the OFS number no other town has). Its staff come after (accounts.town_create)."""
    known = [code for code, _name in settings.LANGUAGES]
    unknown = [code for code in languages if code not in known]
    if unknown or not languages:
        raise ValidationError(
            {
                "languages": _("Give languages among %(known)s (the first is the default).")
                % {"known": ", ".join(known)}
            }
        )
    town = Municipality(
        name=name,
        slug=slug,
        ofs_number=ofs_number,
        canton=canton,
        territory=territory,
        languages=languages,
        contact_email=contact_email,
        modules=modules,
    )
    town.full_clean()
    town.save()
    audit.record(actor=actor, obj=town, action="create", after=audit.snapshot(town, TOWN_FIELDS))
    return town


@transaction.atomic
def municipality_update(
    *, municipality: Municipality, actor, changes: dict, logo=None
) -> Municipality:
    """Apply the settings a municipality admin may change (never slug, territory or the
    platform-wide fields). `logo` (a PNG or JPEG upload) is stored re-encoded as a fresh PNG;
    ValidationError {"logo": ...} when it cannot be decoded or has too many pixels."""
    before = audit.snapshot(municipality, [*MUNICIPALITY_FIELDS, "logo"])
    png = logo_png(logo) if logo is not None else None
    for name in MUNICIPALITY_FIELDS:
        if name in changes:
            setattr(municipality, name, changes[name])
    municipality.full_clean(exclude=["territory", "slug", "ofs_number", "logo"])
    update_fields = [*MUNICIPALITY_FIELDS, "updated_at"]
    if png is not None:
        logo_store(municipality=municipality, png=png)
        update_fields.append("logo")
    municipality.save(update_fields=update_fields)
    audit.record(
        actor=actor,
        obj=municipality,
        action="update_settings",
        before=before,
        after=audit.snapshot(municipality, [*MUNICIPALITY_FIELDS, "logo"]),
    )
    return municipality


def logo_png(upload) -> bytes:
    """The logo as it is kept: a fresh PNG, at most LOGO_MAX_SIDE pixels on its longer side
    (commune.core.images: decoded with the PNG and JPEG readers only, metadata dropped)."""
    try:
        return image_to_png(
            upload, max_side=settings.LOGO_MAX_SIDE, max_pixels=settings.IMAGE_MAX_PIXELS
        )
    except ValidationError as exc:
        raise ValidationError({"logo": exc.error_list}) from exc


def logo_store(*, municipality: Municipality, png: bytes) -> None:
    """Save `png` as the town's logo (not the row: the caller saves it). The name carries a
    hash of the content, so the logo's address changes with it and browsers may cache it for
    long; the previous file is removed once the transaction commits."""
    previous, storage = municipality.logo.name, municipality.logo.storage
    digest = hashlib.sha256(png).hexdigest()[:16]
    name = f"{municipality.pk}-{digest}.png"
    target = municipality.logo.field.generate_filename(municipality, name)
    if storage.exists(target):  # the same picture for the same town: nothing to write
        municipality.logo.name = target
    else:
        municipality.logo.save(name, ContentFile(png), save=False)
    if previous and previous != municipality.logo.name:
        transaction.on_commit(lambda: storage.delete(previous))


@transaction.atomic
def department_save(
    *, municipality: Municipality, actor, department: Department | None, data: dict
) -> Department:
    """Create a department of the town (department=None) or change one of its own."""
    created = department is None
    with scoping.scope(municipality):
        if created:
            department = Department(municipality=municipality)
            before = {}
        else:
            department = Department.objects.select_for_update().get(pk=department.pk)
            before = audit.snapshot(department, DEPARTMENT_FIELDS)
        for name in DEPARTMENT_FIELDS:
            setattr(department, name, data[name])
        department.full_clean()
        department.save()
    audit.record(
        actor=actor,
        obj=department,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(department, DEPARTMENT_FIELDS),
    )
    return department
