"""Small helpers shared by the help views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse


def url(request, name: str, **kwargs) -> str:
    return reverse(f"help:{name}", kwargs={"town": request.municipality.slug, **kwargs})


def errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields else None
            for error in errors:
                form.add_error(field, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
