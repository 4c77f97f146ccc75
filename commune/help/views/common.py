"""Small helpers shared by the help views."""

from __future__ import annotations

from django.urls import reverse

from commune.core.form_errors import errors_to_form

__all__ = ["errors_to_form", "url"]


def url(request, name: str, **kwargs) -> str:
    return reverse(f"help:{name}", kwargs={"town": request.municipality.slug, **kwargs})
