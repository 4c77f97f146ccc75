"""`{% area_corners form %}`: the list of the request's corners to type (forms/corners.py)."""

from __future__ import annotations

from django import template

from commune.permits.forms.corners import corners_context

register = template.Library()


@register.inclusion_tag("permits/_corners.html", takes_context=True)
def area_corners(context, form) -> dict:
    """The corners of the areas the form holds now (after the corners sent moved them)."""
    errors = getattr(form, "corner_errors", ())
    return {
        "town": context.get("town"),
        "corners": corners_context(form["geometry"].value(), errors=errors),
    }
