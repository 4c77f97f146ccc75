"""Isolation, proven: every URL pattern and API route under a town, called as that town's
staff (every role, second factor passed) with another town's object ids, answers 404; and no
page of town A shows a record of town B.

The patterns are walked from the URL resolver, so a new URL is covered without anyone
remembering to add it. An id keyword is mapped to its model through the model's `url_kwarg`;
a keyword that maps to nothing fails the test until its model declares it (or, if it is not
an object id, until it is listed in NON_ID_KWARGS with a reason).
"""

from __future__ import annotations

import importlib
import re

import factory
import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.tenants.models import Department, TenantModel
from commune.tenants.scoping import scope

# Keywords that are not object ids, and why they are safe.
NON_ID_KWARGS: dict[str, str] = {
    "town": "the town itself, resolved by TownMiddleware",
    "token": "a value signed for one town (permit verification); another town's fails the check",
    "day": "a date (the agenda's letters to post that day), read within the town's scope",
}
# Marker written into B's text fields; it must never appear on A's pages.
SECRET = "ZZ-LUTRY-SECRET-ZZ"


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def town_routes() -> list[str]:
    return sorted({r for r in _walk(get_resolver().url_patterns) if "<slug:town>" in r})


def _kwargs_of(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def tenant_models_by_kwarg() -> dict[str, type[TenantModel]]:
    return {m.url_kwarg: m for m in apps.get_models() if issubclass(m, TenantModel) and m.url_kwarg}


def _factories() -> dict[type, type]:
    """Every DjangoModelFactory in commune/<app>/tests/factories.py, by model."""
    found = {}
    for app in apps.get_app_configs():
        if not app.name.startswith("commune."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.tests.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and getattr(value._meta, "model", None) is not None
            ):
                found.setdefault(value._meta.model, value)
    return found


def _make(model, town):
    factories = _factories()
    assert model in factories, (
        f"No factory for {model.__name__}: add one to its app's tests/factories.py so the "
        "isolation test can create it in another town."
    )
    with scope(town):
        return factories[model](municipality=town)


def _route_to_path(route: str, values: dict[str, object]) -> str:
    def sub(match):
        name = match.group(1)
        return str(values[name])

    path = re.sub(r"<(?:\w+:)?(\w+)>", sub, route)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path


@pytest.fixture
def all_roles_client(staff_client, town_a):
    user = UserFactory(full_name="Toutes fonctions")
    with scope(town_a):
        department = Department.objects.create(municipality=town_a, name="Routes", code="roads")
        for role in Role.values:
            Membership.objects.create(
                municipality=town_a,
                user=user,
                role=role,
                department=department if role == Role.SERVICE_REVIEWER else None,
            )
    return staff_client(user)


def test_every_id_keyword_in_town_urls_belongs_to_a_tenant_model(db):
    by_kwarg = tenant_models_by_kwarg()
    unknown = {
        (route, kw)
        for route in town_routes()
        for kw in _kwargs_of(route)
        if kw not in by_kwarg and kw not in NON_ID_KWARGS
    }
    assert not unknown, (
        "URL keywords without a tenant model (set `url_kwarg` on the model, or list the "
        f"keyword in NON_ID_KWARGS with a reason): {sorted(unknown)}"
    )


def test_another_towns_ids_answer_404_on_every_town_url(all_roles_client, town_a, town_b):
    by_kwarg = tenant_models_by_kwarg()
    routes = [r for r in town_routes() if set(_kwargs_of(r)) - set(NON_ID_KWARGS)]
    assert len(routes) >= 20, f"the walk found too few id-carrying town URLs: {routes}"
    failures = []
    for route in routes:
        kwargs = [k for k in _kwargs_of(route) if k not in NON_ID_KWARGS]
        own = {k: _make(by_kwarg[k], town_a).pk for k in kwargs}
        foreign = {k: _make(by_kwarg[k], town_b).pk for k in kwargs}
        # all ids from town B, then each id in turn from town B beside town A's others
        variants = [foreign] + ([{**own, k: foreign[k]} for k in kwargs] if len(kwargs) > 1 else [])
        for ids in variants:
            path = _route_to_path(route, {"town": town_a.slug, **ids})
            for method in ("get", "post"):
                response = getattr(all_roles_client, method)(path)
                if response.status_code == 405:
                    continue
                if response.status_code != 404:
                    failures.append(f"{method.upper()} {path} ({route}) -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_no_page_of_town_a_shows_a_record_of_town_b(all_roles_client, town_a, town_b):
    # given: one of each tenant model in town B, with the marker in its text fields
    for model in {m for m in apps.get_models() if issubclass(m, TenantModel)}:
        if model not in _factories():
            continue
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField")
            and not f.choices
            and f.name != "code"
            and (f.max_length or 100) >= len(SECRET)
        ]
        with scope(town_b):
            obj = _make(model, town_b)
            for name in text_fields:
                setattr(obj, name, SECRET)
            if text_fields:
                obj.save(update_fields=text_fields)
    # when / then: every town-A page without ids leaks nothing of it
    leaks = []
    checked = 0
    for route in town_routes():
        if set(_kwargs_of(route)) - {"town"}:
            continue
        path = _route_to_path(route, {"town": town_a.slug})
        response = all_roles_client.get(path)
        body = b"".join(response) if response.streaming else response.content
        checked += 1
        if SECRET.encode() in body:
            leaks.append(f"{path} ({route}) shows town B's data")
    assert checked >= 20, f"the walk found too few town pages: {checked}"
    assert not leaks, "\n".join(leaks)
