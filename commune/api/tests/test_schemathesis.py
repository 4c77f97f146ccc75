"""schemathesis against the three public APIs, from the OpenAPI documents they serve: the town
API (/api/v1/<town>/, with a real organisation's token), the platform API (/api/v1/) and the
OGC API Features (/<town>/ogcapi/). Every call goes through the whole Django stack (WSGI,
middleware, real database) in this process.

Checks: no server error; every answer matches the status, media type and schema the document
declares; data valid by the schema is accepted, or refused for a reason the schema documents
(the permit request's dates, work areas and invoicing address: rules a JSON schema cannot
state, written in their descriptions). Examples are derandomized (the same in every run) and
bounded, so the whole module takes a minute or two on two cores (`-m schemathesis` selects it).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.permits.services.tokens import api_token_create
from commune.permits.tests.factories import rect, town_settings
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

#: Wednesday 2 December 2026, 10:00 in Switzerland: the dates the schema allows hang on it.
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Fields a schema-valid permit request may be refused on, each for a rule its description
#: states: dates within the window and in order, areas inside the town and well drawn, an
#: invoicing address when the organisation has none.
DOCUMENTED_REFUSALS = {"planned_start", "planned_end", "work_areas", "invoice_address"}
EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def api_world(town_a, time_machine, settings):
    """Town A with its permit settings, two public works, and an organisation's token."""
    time_machine.move_to(NOW, tick=False)
    settings.THROTTLES = {**settings.THROTTLES, "api_calls_per_token": (10**6, 60)}
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10)
        for i in range(2):
            work(town_a, start=dt.date(2027, 1, 4) + dt.timedelta(weeks=i), dx=100 + 200 * i)
    manager = UserFactory(full_name="Paulo Ferreira")
    organisation = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1")
    add_member(organisation, manager, manager=True)
    _token, raw = api_token_create(organisation=organisation, manager=manager, name="ERP")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def wsgi():
    """Django's WSGI application, as the test client runs it: the test's database connection
    stays open between requests (Django closes it at the end of each one otherwise)."""
    application = get_wsgi_application()

    def app(environ, start_response):
        for signal in (signals.request_started, signals.request_finished):
            signal.disconnect(close_old_connections)
        try:
            response = application(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            for signal in (signals.request_started, signals.request_finished):
                signal.connect(close_old_connections)

    return app


@pytest.fixture
def town_api(api_world, wsgi):
    return schemathesis.openapi.from_wsgi("/api/v1/pully/openapi.json", wsgi)


@pytest.fixture
def platform_api(api_world, wsgi):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)


@pytest.fixture
def ogc_api(api_world, wsgi):
    return schemathesis.openapi.from_wsgi("/pully/ogcapi/api", wsgi)


def refused_only_for_documented_reasons(ctx, response, case) -> None:
    """A positive example of the permit request is accepted (201/200) or refused (400) on a
    field whose description states the rule it broke; never on another field."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if case.operation.method.upper() != "POST" or response.status_code != 400:
        return None
    refused = set(response.json()["errors"]) - DOCUMENTED_REFUSALS
    assert not refused, f"schema-valid data refused on {sorted(refused)}: {response.text[:500]}"
    return None


def run_every_operation(schema, *, checks, headers=None) -> list[str]:
    """Each operation of `schema`, with positive then negative examples; the labels run."""
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        _examples(operation, GenerationMode.POSITIVE, [*CHECKS, *checks], headers)
        try:
            _examples(operation, GenerationMode.NEGATIVE, CHECKS, headers)
        except Unsatisfiable:
            pass  # an operation without parameters has no negative examples
    return [operation.label for operation in operations]


def _examples(operation, mode: GenerationMode, checks: list, headers: dict | None) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @EXAMPLES
    def call(case):
        case.call_and_validate(headers=headers, checks=checks)

    call()


def ogc_refused_only_for_documented_reasons(ctx, response, case) -> None:
    """A positive example is answered 200 (or 404 for a work that does not exist); a 400 only
    for bbox, bbox-crs (refused without a bbox) and datetime, whose rules the schema states in
    their descriptions."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 404 and case.operation.path.endswith("{featureId}"):
        return None
    if response.status_code == 400:
        parameter = response.json().get("parameter")
        assert parameter in ("bbox", "bbox-crs", "datetime"), response.text[:500]
        return None
    assert response.status_code == 200, response.text[:500]
    return None


def test_the_town_api_conforms_to_its_document(town_api, api_world):
    ran = run_every_operation(
        town_api, headers=api_world, checks=[refused_only_for_documented_reasons]
    )
    assert ran == ["GET /api/v1/pully/", "POST /api/v1/pully/permits/requests"]


def test_schema_valid_requests_drawn_in_the_town_are_filed(town_api, api_world, town_a):
    """The permit request's other fields at random (names, phones, kinds, closures, widths…),
    with dates in the window and an area inside the town: every one is filed (201), or is a
    retry of a key already used (200, or 422 with other data, as the description says)."""
    operation = town_api["/api/v1/pully/permits/requests"]["POST"]
    area = json.loads(rect(town_a, 300, 300, 6, 3).transform(4326, clone=True).json)

    def in_town(case):
        case.body = {
            **case.body,
            "work_areas": area,
            "planned_start": "2027-02-01",
            "planned_end": "2027-02-12",
        }
        return case

    statuses = []

    @given(case=operation.as_strategy().map(in_town))
    @EXAMPLES
    def call(case):
        response = case.call_and_validate(headers=api_world, checks=CHECKS)
        statuses.append(response.status_code)
        retried = response.status_code in (200, 422) and "Idempotency-Key" in case.headers
        assert response.status_code == 201 or retried, response.text[:500]

    call()
    assert statuses.count(201) >= len(statuses) // 4, statuses  # not only retries of one key


def test_the_platform_api_conforms_to_its_document(platform_api):
    ran = run_every_operation(platform_api, checks=[positive_data_acceptance])
    assert ran == ["GET /api/v1/towns"]


def test_the_ogc_api_conforms_to_its_document(ogc_api):
    ran = run_every_operation(ogc_api, checks=[ogc_refused_only_for_documented_reasons])
    assert len(ran) == 6, ran
