"""A day written out with its weekday, as each language writes it: "jeudi 10 décembre 2026",
"Donnerstag, 10. Dezember 2026", "giovedì 10 dicembre 2026", "Thursday 10 December 2026".
Django has no named format for it, so each language's formats module (commune/formats/<lang>)
names its own `WEEKDAY_DATE_FORMAT`; a language without one writes Django's `l j F Y`.
In templates: `{% load days %}{{ value|weekday_date }}`, `|weekday_datetime`."""

from __future__ import annotations

import datetime as dt

from django.utils import formats

DEFAULT = "l j F Y"


def weekday_format(*, time: bool = False, year: bool = True) -> str:
    """The current language's format of a day with its weekday (and the time of day)."""
    found = next(
        (
            module.WEEKDAY_DATE_FORMAT
            for module in formats.get_format_modules()
            if hasattr(module, "WEEKDAY_DATE_FORMAT")
        ),
        DEFAULT,
    )
    if not year:
        found = found.removesuffix(" Y")
    return f"{found}, H:i" if time else found


def weekday_date(value: dt.date | dt.datetime, *, time: bool = False, year: bool = True) -> str:
    """`value` written with its weekday in the current language (a datetime as it is given:
    make it local first)."""
    return formats.date_format(value, weekday_format(time=time, year=year))
