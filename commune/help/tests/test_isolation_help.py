"""The tenants' isolation walk (commune/tenants/tests/test_isolation.py) again for help's own
routes with the module switched on in both towns (the shared factory town has it off, where
every help URL is a 404 before any view runs): another town's ids answer 404 to every role,
and no help page of town A shows a record of town B."""

from django.apps import apps

from commune.tenants.models import TenantModel
from commune.tenants.scoping import scope
from commune.tenants.tests.test_isolation import (
    NON_ID_KWARGS,
    SECRET,
    _factories,
    _kwargs_of,
    _make,
    _route_to_path,
    all_roles_client,  # noqa: F401 - the fixture, used by name
    tenant_models_by_kwarg,
    town_routes,
)


def _switch_help_on(*towns):
    for town in towns:
        town.modules = [*town.modules, "help"]
        town.save(update_fields=["modules"])


def help_routes() -> list[str]:
    return [r for r in town_routes() if r.startswith("<slug:town>/help/")]


def test_another_towns_ids_answer_404_on_every_help_url(all_roles_client, town_a, town_b):  # noqa: F811
    _switch_help_on(town_a, town_b)
    by_kwarg = tenant_models_by_kwarg()
    routes = [r for r in help_routes() if set(_kwargs_of(r)) - set(NON_ID_KWARGS)]
    assert len(routes) >= 7, routes
    failures = []
    for route in routes:
        kwargs = [k for k in _kwargs_of(route) if k not in NON_ID_KWARGS]
        foreign = {k: _make(by_kwarg[k], town_b).pk for k in kwargs}
        path = _route_to_path(route, {"town": town_a.slug, **foreign})
        for method in ("get", "post"):
            response = getattr(all_roles_client, method)(path)
            if response.status_code not in (404, 405):
                failures.append(f"{method.upper()} {path} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_no_help_page_of_town_a_shows_a_record_of_town_b(all_roles_client, town_a, town_b):  # noqa: F811
    _switch_help_on(town_a, town_b)
    help_models = [
        m for m in apps.get_app_config("help").get_models() if issubclass(m, TenantModel)
    ]
    for model in help_models:
        assert model in _factories(), model
        text = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField")
            and not f.choices
            and (f.max_length or 100) >= len(SECRET)
        ]
        with scope(town_b):
            obj = _make(model, town_b)
            for name in text:
                setattr(obj, name, SECRET)
            if text:
                obj.save(update_fields=text)
    checked = 0
    for route in help_routes():
        if set(_kwargs_of(route)) - {"town"}:
            continue
        response = all_roles_client.get(_route_to_path(route, {"town": town_a.slug}))
        # /new/ is a 404 for staff who are not neighbours themselves; the desk pages are 200
        checked += response.status_code == 200
        assert SECRET.encode() not in response.content, route
    assert checked >= 5
