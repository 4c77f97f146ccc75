"""A new town and its first municipality administrator, as the platform operator creates them
(manage.py town_create)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import Municipality
from commune.tenants.services import municipality_create

from ..models import Role, User
from .staff import role_grant, staff_create


@transaction.atomic
def town_create(
    *, actor: User | None, admin_email: str, admin_name: str, **town
) -> tuple[Municipality, bool]:
    """The town (the fields of tenants.services.municipality_create) with `admin_email` as its
    municipality administrator, who is mailed a link to choose a password (staff_create).
    Safe to run twice: a town with this address name, OFS number and name is the one asked
    for and is returned unchanged, with False; another town with the address name is refused.
    Returns the town and whether it was created."""
    try:
        validate_email(admin_email)
    except ValidationError as exc:
        raise ValidationError({"admin_email": exc.error_list}) from exc
    existing = Municipality.objects.filter(slug=town["slug"]).first()
    if existing is not None:
        if existing.ofs_number == town["ofs_number"] and existing.name == town["name"]:
            return existing, False
        raise ValidationError(
            {
                "slug": _("The address name %(slug)s is taken by %(town)s.")
                % {"slug": existing.slug, "town": existing.name}
            }
        )
    municipality = municipality_create(actor=actor, **town)
    administrator = staff_create(
        municipality=municipality, actor=actor, email=admin_email, full_name=admin_name
    )
    role_grant(
        municipality=municipality, actor=actor, user=administrator, role=Role.MUNICIPALITY_ADMIN
    )
    return municipality, True
