"""Hostile input across the whole site: ids past 64 bits in every URL, JSON nested deep in
every upload, and the bounds that every form and API schema must state (dates, integers).

The URL patterns and the forms are walked, so a new page or form is covered without anyone
remembering to add it."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

import commune
from commune.core import bounds
from commune.core.uploads import validate_upload
from commune.tenants.scoping import scope
from commune.tenants.tests.test_isolation import (  # noqa: F401 - a fixture
    _make,
    all_roles_client,
    tenant_models_by_kwarg,
)

HUGE_IDS = [2**31, 2**63, 2**64, 10**30]
_ID = re.compile(r"<(?:int|id):(\w+)>")
_KWARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix=""):
    """(route, module of the view) of every URL pattern."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.lookup_str.rpartition(".")[0]


def routes_with_ids() -> list[str]:
    return sorted({r for r, _module in _walk(get_resolver().url_patterns) if _ID.search(r)})


def _path(route: str, values: dict) -> str:
    return "/" + _KWARG.sub(lambda m: str(values.get(m.group(2), "x")), route)


def test_every_id_in_a_url_goes_through_the_bounded_converter(db):
    ours = [r for r, module in _walk(get_resolver().url_patterns) if module.startswith("commune")]
    assert len(ours) >= 60, ours
    unbounded = [r for r in ours if "<int:" in r]
    assert not unbounded, f"use <id:…> (commune.core.bounds.IdConverter): {unbounded}"


def test_an_id_past_64_bits_never_gives_a_500_on_any_url(all_roles_client, town_a):  # noqa: F811
    # given: every URL with an id, each id in turn huge, the others real objects of town A
    by_kwarg = tenant_models_by_kwarg()
    routes = routes_with_ids()
    assert len(routes) >= 25, routes
    failures = []
    for route in routes:
        names = _ID.findall(route)
        real = {k: _make(by_kwarg[k], town_a).pk for k in names if k in by_kwarg}
        for huge in HUGE_IDS:
            variants = [dict.fromkeys(names, huge)] + [{**real, k: huge} for k in real]
            for ids in variants:
                path = _path(route, {"town": town_a.slug, **ids})
                # when
                for method in ("get", "post"):
                    status = getattr(all_roles_client, method)(path).status_code
                    # then
                    if status >= 500:
                        failures.append(f"{method.upper()} {path} -> {status}")
    assert not failures, "\n".join(failures)


def deep_json(depth: int) -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("allowed", [{"geojson"}, {"pdf", "png", "jpeg"}, {"csv"}])
def test_an_upload_of_json_nested_50000_deep_is_refused_with_a_message(allowed):
    upload = SimpleUploadedFile("zones.geojson", deep_json(50_000))
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload, allowed=allowed)
    assert refused.value.messages[0]


def test_an_address_layer_nested_50000_deep_is_a_400(staff_client, town_a):
    # given: the town's permit officer
    from commune.accounts.tests.factories import MembershipFactory

    with scope(town_a):
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    client = staff_client(officer)
    upload = SimpleUploadedFile("addresses.geojson", deep_json(50_000))
    # when
    response = client.post("/pully/permits/staff/addresses/", {"file": upload})
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


# --- the bounded JSON parser --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[" * 50_000 + "]" * 50_000, "depth"),
        ("[" * 990 + "]" * 990, "depth"),
        ("[" * 33 + "]" * 33, "depth"),
        ('{"a": NaN}', "number"),
        ("[Infinity]", "number"),
        ('["\\ud800"]', "unicode"),
        ('{"\\udfff": 1}', "unicode"),
        ('{"a": 1', "syntax"),
        (b"\xff\xfe[1]", "syntax"),
    ],
)
def test_the_bounded_json_parser_refuses_with_a_code_and_a_message(text, code):
    with pytest.raises(bounds.BadJSON) as refused:
        bounds.json_loads_bounded(text)
    assert (refused.value.code, bool(refused.value.message)) == (code, True)


def test_the_bounded_json_parser_reads_what_geojson_needs():
    text = '{"type": "Feature", "properties": {"label": "caf\\u00e9 \\ud83d\\ude00"}, "a": '
    text += "[" * 30 + "1.5" + "]" * 30 + "}"
    data = bounds.json_loads_bounded(text)
    assert data["properties"]["label"] == "café 😀"


# --- the date window and the integer bounds -----------------------------------------------


def test_the_date_window_is_counted_from_today_and_says_the_range(time_machine):
    time_machine.move_to(dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC), tick=False)
    window = bounds.DateWindow(years_before=1, years_after=10)
    assert window.bounds() == (dt.date(2027, 2, 28), dt.date(2038, 2, 28))
    window(dt.date(2038, 2, 28))
    with pytest.raises(ValidationError) as refused:
        window(dt.date(9999, 12, 31))
    assert refused.value.code == "date_range"


def test_integer_bounds_are_those_of_postgresql_whatever_the_database():
    from commune.permits.models import PermitRequest

    field = PermitRequest._meta.get_field("parking_places_removed")
    assert bounds.integer_bounds(field) == (0, 32767)


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(commune.__path__, "commune."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [f for f in set(subclasses(forms.BaseForm)) if f.__module__.startswith("commune.")]


def test_every_integer_and_date_a_form_takes_is_bounded(db):
    """The class of hole: a form field that takes any integer (stored: overflow) or any date
    (year 9999: overflow in the first date arithmetic). Every one must state its bounds."""
    unbounded = []
    classes = _all_form_classes()
    assert len(classes) >= 20, classes
    for form_class in classes:
        for name, field in form_class.base_fields.items():
            where = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if isinstance(field, forms.DecimalField):
                if field.max_digits is None and None in (field.min_value, field.max_value):
                    unbounded.append(f"{where}: decimal without max_digits")
            elif isinstance(field, forms.IntegerField):  # FloatField too
                low, high = field.min_value, field.max_value
                if low is None or high is None or low < bounds.INT64_MIN or high > bounds.INT64_MAX:
                    unbounded.append(f"{where}: number {low}..{high}")
            if isinstance(field, forms.DateField | forms.DateTimeField) and not any(
                isinstance(v, bounds.DateWindow) for v in field.validators
            ):
                unbounded.append(f"{where}: date without a DateWindow")
    assert not unbounded, "\n".join(sorted(unbounded))


def test_in_with_ids_past_the_column_finds_nothing_instead_of_overflowing(town_a):
    from commune.tenants.models import Municipality

    assert list(Municipality.objects.filter(pk__in=[10**30, -(10**30)])) == []
    assert list(Municipality.objects.filter(pk__in=[10**30, town_a.pk])) == [town_a]


@pytest.mark.parametrize(
    ("text", "expected"), [("42", 42), ("²", None), ("9" * 19, None), ("", None), ("-1", None)]
)
def test_an_id_from_a_query_is_ascii_digits_within_64_bits(text, expected):
    assert bounds.parse_id(text) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2028, 2, 29), (dt.date(2027, 2, 28), dt.date(2028, 2, 29))),
        (dt.date(2027, 3, 1), (dt.date(2026, 3, 1), dt.date(2027, 3, 1))),
        (dt.date(2024, 2, 29), (dt.date(2023, 2, 28), dt.date(2024, 2, 29))),
    ],
)
def test_a_window_ending_today_takes_today_even_on_29_february(today, expected):
    """A payment is received "today" at the latest: on 29 February the window once ended on
    the 28th, and the desk could not record the day's payments (seen at the shifted clock)."""
    window = bounds.DateWindow(years_before=1, years_after=0)
    assert window.bounds(today) == expected
    assert bounds.DateWindow(years_before=4, years_after=4).bounds(dt.date(2028, 2, 29)) == (
        dt.date(2024, 2, 29),
        dt.date(2032, 2, 29),
    )
