"""Bounds on what a client may send, kept in one place so that every entry point refuses the
same hostile input the same way: a ValidationError with a message for the user, never a 500.

* JSON: `json_loads_bounded()` parses a client's JSON with a depth limit (Python's parser
  recurses: 50,000 nested brackets is a RecursionError), refuses NaN/Infinity (not JSON, and
  poison for geometry and the database) and lone surrogates (not text a database can store).
* Dates: `DateWindow` keeps a date within so many years of today. A date in year 9999 passes
  any calendar check, then overflows the first `+ timedelta`, and a working-day count from
  today to it walks millennia.
* Integers: `integer_bounds()` is the range of a model's integer column as PostgreSQL stores
  it, whatever the database in use (SQLite takes any 64-bit number where PostgreSQL's smallint
  stops at 32767), and `bounded_formfields()` gives a ModelForm's integer fields that range.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.lookups import In
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

#: Deep enough for any GeoJSON (a FeatureCollection of MultiPolygons is 8 levels).
MAX_JSON_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: A free text without a column limit (an address, a description): a page of prose at most.
MAX_TEXT_LENGTH = 5000


class BadJSON(ValueError):
    """Text a client sent that is not JSON we accept; `message` says why, for the client."""

    def __init__(self, message: str, code: str):
        self.message = message
        self.code = code
        super().__init__(message)


def _refuse_constant(name: str):
    raise BadJSON(_("Numbers must be finite (found %(value)s).") % {"value": name}, "number")


def json_loads_bounded(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a client's JSON, or raise BadJSON (a ValueError) with a message for the client."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        data = None
        too_deep = True
    except BadJSON:
        raise
    except (TypeError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadJSON(_("This is not valid JSON."), "syntax") from exc
    else:
        too_deep = _check_nodes(data, max_depth)
    if too_deep:
        raise BadJSON(
            _("The JSON is nested too deeply (at most %(depth)d levels).") % {"depth": max_depth},
            "depth",
        )
    return data


def _check_nodes(data: Any, max_depth: int) -> bool:
    """True when `data` is nested deeper than `max_depth`; BadJSON on a string that holds a
    lone surrogate. Iterative: the structure may be as deep as the parser allowed."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > max_depth:
            return True
        if isinstance(node, dict):
            stack.extend((key, depth) for key in node)
            node = node.values()
        stack.extend((child, depth + 1) for child in node)
    return False


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadJSON(_("The JSON holds text that is not valid Unicode."), "unicode") from exc


@deconstructible
class DateWindow:
    """A validator: the date lies between `years_before` years before today and `years_after`
    years after (inclusive, today in the installation's time zone, read when validating)."""

    def __init__(self, *, years_before: int, years_after: int):
        self.years_before = years_before
        self.years_after = years_after

    def bounds(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        today = today or timezone.localdate()
        return _years_from(today, -self.years_before), _years_from(today, self.years_after)

    def __call__(self, value: dt.date) -> None:
        earliest, latest = self.bounds()
        day = value.date() if isinstance(value, dt.datetime) else value
        if not earliest <= day <= latest:
            raise ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {
                    "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                    "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
                },
                code="date_range",
            )

    def widget_attrs(self) -> dict[str, str]:
        """`min` and `max` for an <input type="date">, so that browsers offer the same range."""
        earliest, latest = self.bounds()
        return {"min": earliest.isoformat(), "max": latest.isoformat()}

    def __eq__(self, other) -> bool:
        return isinstance(other, DateWindow) and (self.years_before, self.years_after) == (
            other.years_before,
            other.years_after,
        )

    def __hash__(self) -> int:
        return hash((self.years_before, self.years_after))


class WindowDateInput(forms.DateInput):
    """An <input type="date"> whose min and max follow a DateWindow, worked out at each render
    (so a page rendered tomorrow offers tomorrow's range)."""

    input_type = "date"

    def __init__(self, window: DateWindow, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
        self.window = window

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, {**(attrs or {}), **self.window.widget_attrs()})


class BoundedDateField(forms.DateField):
    """A form's date field that only takes dates within `window`."""

    def __init__(self, *, window: DateWindow, **kwargs):
        kwargs.setdefault("widget", WindowDateInput(window))
        super().__init__(**kwargs)
        self.validators.append(window)

    def prepare_value(self, value):
        """A date typed in the reader's format ("03.08.2026") shown back as a date, which the
        widget writes in ISO: <input type="date"> takes nothing else and would show an empty
        box. Text that is no date is shown as typed, beside its error."""
        if isinstance(value, str):
            try:
                return self.to_python(value) or value
            except ValidationError:
                return value
        return value


def _years_from(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February becomes the 28th only in a year
    that has no 29th (on 29 February itself, "today" stays today)."""
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return day.replace(year=year, day=28)
    return day.replace(year=year)


def integer_bounds(field: models.Field) -> tuple[int, int]:
    """The values a model's integer field can hold on every database we run on: the column's
    range on PostgreSQL, narrowed by the field's own Min/MaxValueValidators."""
    internal = field.get_internal_type()
    low, high = BaseDatabaseOperations.integer_field_ranges.get(internal, (INT64_MIN, INT64_MAX))
    for validator in field._validators:  # the declared ones, not the connection's
        if isinstance(validator, MinValueValidator) and not callable(validator.limit_value):
            low = max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator) and not callable(validator.limit_value):
            high = min(high, validator.limit_value)
    return low, high


def bounded_formfields(*, dates: dict[str, DateWindow] | None = None):
    """A ModelForm's `Meta.formfield_callback`: integer fields get the column's range as
    min_value and max_value (the form refuses what the database could not store), free texts
    MAX_TEXT_LENGTH, and each date field its window from `dates` (one missing is a programming
    error, raised at import)."""
    dates = dates or {}

    def formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
        if isinstance(db_field, models.IntegerField) and not db_field.choices:
            low, high = integer_bounds(db_field)
            kwargs.setdefault("min_value", low)
            kwargs.setdefault("max_value", high)
        if isinstance(db_field, models.TextField) and not db_field.max_length:
            kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        if isinstance(db_field, models.DateField):
            if db_field.name not in dates:
                raise ImproperlyConfigured(f"{db_field} needs a DateWindow in the form's dates")
            if not isinstance(db_field, models.DateTimeField):
                kwargs["widget"] = WindowDateInput(dates[db_field.name])
        field = db_field.formfield(**kwargs)
        if isinstance(db_field, models.DateField):
            field.validators.append(dates[db_field.name])
        return field

    return formfield


def parse_id(text: str) -> int | None:
    """An object id read from a query parameter or a form: ASCII digits, at most 18 of them
    (as in URLs, IdConverter); None for anything else. `str.isdigit()` is not enough: "²" is a
    digit to it, and int() refuses it."""
    return int(text) if re.fullmatch(IdConverter.regex, text, flags=re.ASCII) else None


class IntegerFieldIn(In):
    """`in` on integer columns, leaving out the values the column cannot hold (no row has
    them). Django does this for `exact` and the comparisons, not for `in`: a form's
    ModelMultipleChoiceField with an id past 64 bits overflowed SQLite (a 500)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


class IdConverter:
    """`<id:name>` in URL patterns: an object id, at most 18 digits. Django's `int` converter
    takes any length, and a lookup through a foreign key with an id past 64 bits overflows
    (SQLite) before the database can answer "not found"; here it is simply a 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
