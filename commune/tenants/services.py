"""Writes on a town's own settings and departments, each with its audit entry."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from commune.core import audit
from commune.core.images import image_to_png

from . import scoping
from .models import Department, Municipality

MUNICIPALITY_FIELDS = ["modules", "contact_email", "primary_colour"]
DEPARTMENT_FIELDS = ["name", "code", "email"]


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
