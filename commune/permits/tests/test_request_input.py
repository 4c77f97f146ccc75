"""One input schema for a permit request (permits/services/request_input.py), whether it comes
from the web form or the API: the same input is accepted or refused by both, on the same field,
with the same sentence in the user's language; the API's OpenAPI document is that schema."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from commune.accounts.tests.factories import OrganisationFactory, add_member
from commune.api.urls import town_api
from commune.permits.models import PermitRequest, WorkArea
from commune.permits.services.request_input import PermitRequestIn
from commune.permits.services.tokens import api_token_create
from commune.tenants.scoping import scope

from .conftest import ZURICH
from .factories import origin, rect

#: Friday 4 December 2026, 10:00 in Pully: the date window hangs on it.
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=ZURICH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def org(applicant):
    organisation = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1")
    add_member(organisation, applicant, manager=True)
    return organisation


@pytest.fixture
def token(org, applicant, settings_a):
    _token, raw = api_token_create(organisation=org, manager=applicant, name="SIG")
    return raw


def _request(town, **overrides) -> dict:
    """A request as the schema names its fields (the API's payload)."""
    area = json.loads(rect(town, 100, 100, 4, 2).transform(4326, clone=True).json)
    data = {
        "site_manager_name": "Paulo Ferreira",
        "site_manager_phone": "+41 79 000 00 00",
        "invoice_address": "Case postale 1, 1009 Pully",
        "kind": "telecom",
        "description": "Fibre optique",
        "road_closure": "none",
        "parking_places_removed": 0,
        "road_category": "local",
        "planned_start": "2027-03-01",
        "planned_end": "2027-03-05",
        "work_areas": area,
    }
    return {**data, **overrides}


def _by_form(client, applicant, org, body: dict):
    """The same request typed into the web form, for the same organisation."""
    data = {
        name: ("on" if value is True else value)
        for name, value in body.items()
        if name != "work_areas" and value is not False and value is not None
    }
    data.update(
        geometry=json.dumps(body["work_areas"]),
        organisation=str(org.pk),
        submission_key=str(uuid.uuid4()),
        submit="1",
    )
    client.force_login(applicant)
    response = client.post("/pully/permits/new/", data, HTTP_ACCEPT_LANGUAGE="fr")
    if response.status_code != 400:
        return response.status_code, {}
    errors = response.context["form"].errors
    return 400, {("work_areas" if k == "geometry" else k): list(v) for k, v in errors.items()}


def _by_api(client, token: str, body: dict):
    response = client.post(
        "/api/v1/pully/permits/requests",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "fr"},
    )
    return response.status_code, response.json().get("errors", {})


def _crossing(town) -> dict:
    x, y = origin(town)
    ring = [
        [x + 10, y + 10],
        [x + 20, y + 20],
        [x + 20, y + 10],
        [x + 10, y + 20],
        [x + 10, y + 10],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _outside(town) -> dict:
    x, y = origin(town)
    ring = [[x - 500, y - 500], [x - 490, y - 500], [x - 490, y - 490], [x - 500, y - 500]]
    return {"type": "Polygon", "coordinates": [ring]}


REFUSED = {
    "blank name": lambda town: {"site_manager_name": "   "},
    "NUL in a text": lambda town: {"diversion": "par la rue\x00du Port"},
    "text past its column": lambda town: {"site_manager_phone": "0" * 41},
    "description past a page": lambda town: {"description": "x" * 5001},
    "parking past the column": lambda town: {"parking_places_removed": 40_000},
    "negative parking": lambda town: {"parking_places_removed": -1},
    "dates reversed": lambda town: {"planned_end": "2027-02-26"},
    "a date decades away": lambda town: {"planned_start": "2045-03-01"},
    "an area crossing itself": lambda town: {"work_areas": _crossing(town)},
    "an area outside the town": lambda town: {"work_areas": _outside(town)},
    "a trench too narrow": lambda town: {
        "work_areas": {"type": "LineString", "coordinates": rect(town, 100, 100).coords[0][:2]},
        "line_width_m": 0.05,
    },
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_form_and_the_api_refuse_the_same_input_with_the_same_words(
    client, in_town, applicant, org, token, case
):
    # given one bad request
    body = _request(in_town, **REFUSED[case](in_town))

    # when it comes through the web form and through the API
    form_status, form_errors = _by_form(client, applicant, org, body)
    api_status, api_errors = _by_api(client, token, body)

    # then both refuse it on the same fields, in the same French sentences; nothing is saved
    assert (form_status, api_status) == (400, 400)
    assert form_errors == api_errors, case
    with scope(in_town):
        assert not PermitRequest.objects.exists()


ACCEPTED = {
    "a width to the millimetre, kept to the centimetre": lambda town: {
        "work_areas": {
            "type": "LineString",
            "coordinates": [list(p) for p in rect(town, 100, 100, 8, 1).coords[0][:2]],
        },
        "line_width_m": 0.805,
    },
    "no invoicing address: the organisation's": lambda town: {"invoice_address": ""},
    "texts with spaces around": lambda town: {"site_manager_name": "  Paulo Ferreira  "},
    "an emergency with the pavement closed": lambda town: {
        "is_emergency": True,
        "pavement_closure": True,
    },
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_the_form_and_the_api_accept_the_same_input_and_store_the_same(
    client, in_town, applicant, org, token, case
):
    body = _request(in_town, **ACCEPTED[case](in_town))

    form_status, form_errors = _by_form(client, applicant, org, body)
    api_status, api_errors = _by_api(client, token, body)

    assert (form_status, api_status) == (302, 201), (form_errors, api_errors)
    with scope(in_town):
        by_form, by_api = PermitRequest.objects.order_by("pk")
        fields = ["site_manager_name", "invoice_address", "is_emergency", "pavement_closure"]
        for name in fields:
            assert getattr(by_form, name) == getattr(by_api, name), name
        widths = {area.width_m for area in WorkArea.objects.all()}
    assert by_api.invoice_address == (body["invoice_address"] or "CP 1")
    assert by_api.site_manager_name == "Paulo Ferreira"
    assert len(widths) == 1, widths


def test_the_api_documents_the_schema_the_services_apply():
    document = town_api.get_openapi_schema(path_prefix="/api/v1/pully/")
    body = document["paths"]["/api/v1/pully/permits/requests"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]
    published = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    ours = PermitRequestIn.model_json_schema()
    assert set(published["properties"]) == set(ours["properties"])
    assert published["required"] == ours["required"]
    for name in ("site_manager_name", "parking_places_removed", "planned_end", "line_width_m"):
        # (Ninja leaves out a default of null)
        stated = {k: v for k, v in published["properties"][name].items() if k != "default"}
        rules = {k: v for k, v in ours["properties"][name].items() if k != "default"}
        assert stated == rules, name
