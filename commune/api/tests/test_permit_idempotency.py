"""Idempotency-Key against key squatting (issue 7): an organisation's key belongs to that
organisation. A draft someone saved through the web form with a key they computed is never
returned to the organisation's API call, and the same key with other data is a 422, not the
first request silently given back."""

from __future__ import annotations

import json
import uuid

import pytest

from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.core.idempotency import owned_key
from commune.permits.models import PermitRequest
from commune.permits.services.tokens import api_token_create
from commune.permits.tests.conftest import MONDAY, at
from commune.permits.tests.factories import api_payload, rect, rect_geojson, town_settings
from commune.tenants.scoping import scope

URL = "/api/v1/pully/permits/requests"
#: The namespace the API used to derive its stored keys; it is published in the source, so
#: anyone could compute the key an organisation's call would look up.
PUBLISHED_NS = uuid.UUID("0b6f1c52-7d0e-4f43-9a55-3f4c8d2e1a90")
IDEMPOTENCY_KEY = "4b1d6a0e-5c1f-4e8a-9d2b-0f7e3a6c8b15"  # a UUID, as many clients send
NOW = at(MONDAY)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """Every call of the test reads the same explicit time: Monday 4 May 2026, 9:00 in Pully."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def utility(in_town):
    town_settings(in_town, minimum_notice_days=10)
    manager = UserFactory(full_name="Anne Gerber")
    org = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1, 1009 Pully")
    add_member(org, manager, manager=True)
    token, raw = api_token_create(organisation=org, manager=manager, name="SAP")
    return token, raw


@pytest.fixture
def intruder(db):
    return UserFactory(full_name="Eve Intrus")


def api_post(client, raw, data, key=IDEMPOTENCY_KEY, language="en"):
    return client.post(
        URL,
        data=json.dumps(data),
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {raw}",
            "Idempotency-Key": key,
            "Accept-Language": language,
        },
    )


def web_draft(client, user, town, key, **overrides):
    """`user` saves a draft through the web form with a submission key of their choosing."""
    client.force_login(user)
    data = {
        "site_manager_name": "Eve Intrus",
        "site_manager_phone": "+41 79 666 66 66",
        "invoice_address": "Rue du Piège 1, 1009 Pully",
        "kind": "other",
        "description": "Brouillon de l'intrus",
        "road_closure": "none",
        "parking_places_removed": "0",
        "road_category": "local",
        "planned_start": "2030-07-01",
        "planned_end": "2030-07-02",
        "geometry": rect_geojson(town, 300, 300),
        "submission_key": str(key),
        **overrides,
    }
    response = client.post("/pully/permits/new/", data)
    client.logout()
    return response


def _squatted_keys(token) -> dict[str, uuid.UUID]:
    """Every key an intruder could compute for the organisation's next call."""
    return {
        "published derivation": uuid.uuid5(
            PUBLISHED_NS, f"{token.organisation_id}:{IDEMPOTENCY_KEY}"
        ),
        "raw key": uuid.UUID(IDEMPOTENCY_KEY),
        "current derivation": owned_key(owner=token.organisation, key=IDEMPOTENCY_KEY),
    }


@pytest.mark.parametrize("how", ["published derivation", "raw key", "current derivation"])
def test_a_draft_squatting_an_organisations_key_is_never_returned_to_its_api_call(
    client, town_a, utility, intruder, how
):
    # given: an intruder saved a draft under the key the organisation's call will use
    token, raw = utility
    web_draft(client, intruder, town_a, _squatted_keys(token)[how])
    # when: the organisation's system files its request with that Idempotency-Key
    response = api_post(client, raw, api_payload(town_a))
    # then: the request is filed for the organisation; nothing of the draft comes back
    assert response.status_code == 201, response.content
    body = response.json()
    with scope(town_a):
        filed = PermitRequest.objects.get(pk=body["id"])
        squat = PermitRequest.objects.get(applicant=intruder)
    assert filed.organisation == token.organisation and filed.applicant != intruder
    assert filed.status != PermitRequest.Status.DRAFT and filed.reference == body["reference"]
    assert squat.status == PermitRequest.Status.DRAFT and squat.pk != filed.pk
    assert "Intrus" not in response.content.decode()


@pytest.mark.parametrize("how", ["published derivation", "raw key", "current derivation"])
def test_the_intruder_sending_the_organisations_key_gets_nothing_of_its_request(
    client, town_a, utility, intruder, how
):
    # given: the organisation filed its request with an Idempotency-Key
    token, raw = utility
    filed = api_post(client, raw, api_payload(town_a)).json()
    # when: the intruder sends the web form with any key computed from it
    response = web_draft(client, intruder, town_a, _squatted_keys(token)[how], submit="1")
    # then: the intruder gets a request of their own, never a link to the organisation's
    with scope(town_a):
        own = PermitRequest.objects.get(applicant=intruder)
    assert response.status_code == 302
    assert response["Location"] == f"/pully/permits/{own.pk}/"
    assert own.pk != filed["id"]


def test_the_same_key_with_the_same_request_returns_the_first_one(client, town_a, utility):
    _token, raw = utility
    first = api_post(client, raw, api_payload(town_a))
    again = api_post(client, raw, api_payload(town_a))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    with scope(town_a):
        assert PermitRequest.objects.count() == 1


def test_the_same_key_with_another_request_is_a_422_that_says_so(client, town_a, utility):
    # given: a request filed with a key
    _token, raw = utility
    first = api_post(client, raw, api_payload(town_a)).json()
    # when: the same key comes with other data (another description, another place)
    other = api_post(client, raw, api_payload(town_a, description="Autre chantier"))
    moved = api_post(
        client,
        raw,
        api_payload(
            town_a, work_areas=json.loads(rect(town_a, 500, 500).transform(4326, clone=True).json)
        ),
    )
    # then: refused with a message that names the key; the first request stands alone
    for response in (other, moved):
        assert response.status_code == 422, response.content
        [message] = response.json()["errors"]["Idempotency-Key"]
        assert first["reference"] in message and "other data" in message
    with scope(town_a):
        assert list(PermitRequest.objects.values_list("pk", "description")) == [
            (first["id"], "Fibre optique")
        ]


def test_the_422_is_in_the_callers_language(client, town_a, utility):
    _token, raw = utility
    api_post(client, raw, api_payload(town_a))
    response = api_post(client, raw, api_payload(town_a, description="Autre"), language="de")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]["Idempotency-Key"][0]
    assert "anderen Daten" in response.json()["errors"]["Idempotency-Key"][0]


def test_two_organisations_with_the_same_key_each_get_their_own_request(client, town_a, utility):
    # given: a second utility whose system happens to use the same key
    _token, raw = utility
    other_manager = UserFactory()
    other_org = OrganisationFactory(invoice_address="CP 2, 1095 Lutry")
    add_member(other_org, other_manager, manager=True)
    _other, other_raw = api_token_create(organisation=other_org, manager=other_manager, name="X")
    # when: both file with that key
    first = api_post(client, raw, api_payload(town_a))
    second = api_post(client, other_raw, api_payload(town_a))
    # then: two requests, one for each
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


@pytest.mark.parametrize("key", ["x" * 256, ""])
def test_a_key_too_long_or_empty_is_refused_with_a_message_and_saves_nothing(
    client, town_a, utility, key
):
    _token, raw = utility
    response = api_post(client, raw, api_payload(town_a), key=key)
    assert response.status_code == 400, response.content
    assert all(messages for messages in response.json()["errors"].values())
    with scope(town_a):
        assert PermitRequest.objects.count() == 0
