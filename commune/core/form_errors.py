"""A service's ValidationError shown on the form that asked for it: each message beside its
field when the service names one the form has, else at the top of the form."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields else None
            for error in errors:
                form.add_error(field, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
