"""Pydantic's validation errors told in the user's language, for the API's 400 answers and for
the forms that check GeoJSON with the same schema as the API. Django's own sentences (already
translated by Django) wherever one says the same thing.

    messages = error_messages(exc.errors())  # [(("work_areas", "coordinates", 0), "…"), …]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_BOUNDS = {
    "greater_than_equal": (
        "ge",
        gettext_lazy("Ensure this value is greater than or equal to %(limit_value)s."),
    ),
    "less_than_equal": (
        "le",
        gettext_lazy("Ensure this value is less than or equal to %(limit_value)s."),
    ),
    "greater_than": ("gt", gettext_lazy("Ensure this value is greater than %(limit_value)s.")),
    "less_than": ("lt", gettext_lazy("Ensure this value is less than %(limit_value)s.")),
}
_REQUIRED = gettext_lazy("This field is required.")
_WHOLE = gettext_lazy("Enter a whole number.")
_NUMBER = gettext_lazy("Enter a number.")
_DATE = gettext_lazy("Enter a valid date.")
_SIMPLE = {
    "missing": _REQUIRED,
    **dict.fromkeys(("int_parsing", "int_parsing_size", "int_type", "int_from_float"), _WHOLE),
    **dict.fromkeys(("float_parsing", "float_type", "finite_number"), _NUMBER),
    **dict.fromkeys(
        ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        _DATE,
    ),
}


def error_message(error: dict[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`, with or without its input)
    as a sentence."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _SIMPLE:
        return str(_SIMPLE[kind])
    if kind in _BOUNDS:
        key, sentence = _BOUNDS[kind]
        return str(sentence) % {"limit_value": ctx.get(key)}
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit_value)d characters.") % {
            "limit_value": ctx.get("max_length", 0)
        }
    if kind == "string_pattern_mismatch":
        return _("Write a text without null characters, and not only spaces.")
    if kind == "too_short":
        return _("Give at least %(n)d items.") % {"n": ctx.get("min_length", 0)}
    if kind == "too_long":
        return _("Give at most %(n)d items.") % {"n": ctx.get("max_length", 0)}
    if kind in ("literal_error", "enum", "union_tag_invalid"):
        expected = ctx.get("expected") or ctx.get("expected_tags") or ""
        return _("Choose one of: %(expected)s.") % {"expected": expected}
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # our own validators raise translated messages
    return _("Enter a valid value.")


def error_messages(errors: Iterable[dict[str, Any]]) -> list[tuple[tuple, str]]:
    """Each error's location (without pydantic's union branch names) and its sentence; the
    same sentence at the same place once."""
    seen: dict[tuple, list[str]] = {}
    for error in errors:
        where = tuple(part for part in error["loc"] if not _is_branch(part))
        message = error_message(error)
        if message not in seen.setdefault(where, []):
            seen[where].append(message)
    return [(where, message) for where, messages in seen.items() for message in messages]


def _is_branch(part) -> bool:
    """Pydantic names the member of a union it tried ("tuple[float, float]", "Polygon")."""
    return isinstance(part, str) and (
        part[:1].isupper() or "[" in part or part.startswith("function")
    )


def where(location: tuple) -> str:
    """A location for people: `coordinates → 0 → 3`."""
    return " → ".join(str(part) for part in location)
