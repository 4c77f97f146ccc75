"""Writes on a town's own settings and departments, each with its audit entry."""

from __future__ import annotations

import os

from django.db import transaction

from commune.core import audit

from . import scoping
from .models import Department, Municipality

MUNICIPALITY_FIELDS = ["modules", "contact_email", "primary_colour"]
DEPARTMENT_FIELDS = ["name", "code", "email"]


@transaction.atomic
def municipality_update(
    *, municipality: Municipality, actor, changes: dict, logo=None
) -> Municipality:
    """Apply the settings a municipality admin may change (never slug, territory or the
    platform-wide fields). `logo` is an already validated upload."""
    before = audit.snapshot(municipality, [*MUNICIPALITY_FIELDS, "logo"])
    for name in MUNICIPALITY_FIELDS:
        if name in changes:
            setattr(municipality, name, changes[name])
    update_fields = [*MUNICIPALITY_FIELDS, "updated_at"]
    if logo is not None:
        extension = os.path.splitext(logo.name)[1].lower()
        municipality.logo.save(
            f"{municipality.pk}-{municipality.slug}{extension}", logo, save=False
        )
        update_fields.append("logo")
    municipality.full_clean(exclude=["territory", "slug", "ofs_number", "logo"])
    municipality.save(update_fields=update_fields)
    audit.record(
        actor=actor,
        obj=municipality,
        action="update_settings",
        before=before,
        after=audit.snapshot(municipality, [*MUNICIPALITY_FIELDS, "logo"]),
    )
    return municipality


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
