"""Submitting through the API with an organisation's token: same checks as the form, JSON
errors per field, an Idempotency-Key that makes a retry return the same request."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from commune.accounts.tests.factories import OrganisationFactory, add_member
from commune.permits.models import ApiToken, PermitRequest, WorkArea
from commune.permits.services.tokens import api_token_create, api_token_revoke
from commune.tenants.scoping import scope

from .factories import api_payload, origin, rect

pytestmark = pytest.mark.clock

URL = "/api/v1/pully/permits/requests"


@pytest.fixture
def org_token(in_town, applicant, settings_a):
    org = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1, 1009 Pully")
    add_member(org, applicant, manager=True)
    token, raw = api_token_create(organisation=org, manager=applicant, name="SIG")
    return token, raw


def post(client, raw, data, **headers):
    return client.post(
        URL,
        data=json.dumps(data),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", **headers},
    )


def test_a_utility_submits_a_request_and_gets_its_reference(client, in_town, org_token):
    token, raw = org_token
    response = post(client, raw, api_payload(in_town))
    assert response.status_code == 201, response.content
    body = response.json()
    with scope(in_town):
        permit = PermitRequest.objects.get()
    assert body["reference"] == permit.reference and body["reference"].startswith("PLY-")
    assert permit.organisation == token.organisation
    assert permit.invoice_address == "CP 1, 1009 Pully"
    assert permit.status in {"granted", "in_review"}
    token.refresh_from_db()
    assert token.last_used is not None


def stored_area(town) -> WorkArea:
    with scope(town):
        return WorkArea.objects.get()


def test_lv95_coordinates_are_stored_where_they_were_sent(client, in_town, org_token):
    # given a 4 x 2 m rectangle written in LV95 (east, north in metres, as on a plan)
    _token, raw = org_token
    sent = rect(in_town, 300, 300)
    # when
    response = post(client, raw, api_payload(in_town, work_areas=json.loads(sent.json)))
    # then the work area is that rectangle, in LV95, to the millimetre
    assert response.status_code == 201, response.content
    area = stored_area(in_town)
    assert area.geometry.srid == area.drawn.srid == 2056
    assert area.geometry.equals_exact(sent, tolerance=0.001), area.geometry.wkt
    assert area.drawn.equals_exact(sent, tolerance=0.001), area.drawn.wkt
    assert area.area_m2 == pytest.approx(8.0, abs=1e-6)


def test_wgs84_coordinates_are_stored_as_the_same_place_in_lv95(client, in_town, org_token):
    # given the same kind of rectangle sent in WGS84 (longitude, latitude)
    _token, raw = org_token
    place = rect(in_town, 100, 100)
    # when
    response = post(client, raw, api_payload(in_town))
    # then it is stored in LV95 where it lies, within a centimetre of the LV95 rectangle (the
    # GeoJSON's degrees carry about a millimetre)
    assert response.status_code == 201, response.content
    area = stored_area(in_town)
    assert area.geometry.srid == 2056
    assert area.geometry.equals_exact(place, tolerance=0.01), area.geometry.wkt
    assert area.area_m2 == pytest.approx(8.0, abs=1e-3)


def test_a_retry_with_the_same_idempotency_key_returns_the_same_request(client, in_town, org_token):
    _token, raw = org_token
    payload = api_payload(in_town)  # one payload: its dates are read from the clock once
    first = post(client, raw, payload, **{"Idempotency-Key": "abc-1"})
    again = post(client, raw, payload, **{"Idempotency-Key": "abc-1"})
    other = post(client, raw, api_payload(in_town, kind="water"), **{"Idempotency-Key": "abc-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["reference"] == again.json()["reference"]
    assert other.json()["reference"] != first.json()["reference"]
    with scope(in_town):
        assert PermitRequest.objects.count() == 2


def test_bad_input_gets_field_errors_and_saves_nothing(client, in_town, org_token):
    _token, raw = org_token
    x, y = origin(in_town)
    outside = {
        "type": "Polygon",
        "coordinates": [
            [[x - 500, y - 500], [x - 490, y - 500], [x - 490, y - 490], [x - 500, y - 500]]
        ],
    }
    reversed_dates = post(client, raw, api_payload(in_town, planned_end=-dt.timedelta(days=2)))
    out_of_town = post(client, raw, api_payload(in_town, work_areas=outside))
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [
                [x + 10, y + 10],
                [x + 20, y + 20],
                [x + 20, y + 10],
                [x + 10, y + 20],
                [x + 10, y + 10],
            ]
        ],
    }
    self_crossing = post(client, raw, api_payload(in_town, work_areas=bowtie))
    assert reversed_dates.status_code == 400
    assert list(reversed_dates.json()["errors"]) == ["planned_end"]
    # errors are keyed by the payload's field names
    assert out_of_town.status_code == 400 and "work_areas" in out_of_town.json()["errors"]
    assert self_crossing.status_code == 400 and "work_areas" in self_crossing.json()["errors"]
    with scope(in_town):
        assert PermitRequest.objects.count() == 0


def test_no_unknown_or_revoked_token_gets_in(client, in_town, org_token, applicant):
    token, raw = org_token
    assert post(client, "cmn_not-a-token", api_payload(in_town)).status_code == 401
    api_token_revoke(token=token, manager=applicant, now=timezone.now())
    assert post(client, raw, api_payload(in_town)).status_code == 401
    with scope(in_town):
        assert PermitRequest.objects.count() == 0


def test_only_the_hash_of_the_token_is_stored(org_token):
    token, raw = org_token
    assert raw not in ApiToken.objects.values_list("token_hash", flat=True)
    assert raw.startswith(token.hint)


def test_the_manager_creates_a_token_shown_once_and_revokes_it(client, in_town, applicant):
    # given: the manager of a utility
    org = OrganisationFactory(invoice_address="CP 9, 1095 Lutry")
    add_member(org, applicant, manager=True)
    client.force_login(applicant)

    # when: the manager creates a token on the organisation page
    page = client.post(f"/accounts/organisation/{org.pk}/api-tokens/", {"name": "SAP"})

    # then: the secret is on this page once, and works against the API
    raw = re.search(r"<code>(cmn_[\w-]+)</code>", page.content.decode()).group(1)
    token = ApiToken.objects.get(organisation=org)
    assert raw not in client.get("/accounts/organisation/").content.decode()
    response = post(client, raw, api_payload(in_town))
    assert response.status_code == 201, response.content

    # when: revoked, it no longer gets in
    client.post(f"/accounts/organisation/{org.pk}/api-tokens/{token.pk}/revoke/")
    assert post(client, raw, api_payload(in_town, kind="water")).status_code == 401


def test_a_member_who_is_not_manager_cannot_create_tokens(client, in_town, applicant):
    org = OrganisationFactory()
    add_member(org, applicant, manager=False)
    client.force_login(applicant)
    response = client.post(f"/accounts/organisation/{org.pk}/api-tokens/", {"name": "x"})
    assert response.status_code == 404
    assert not ApiToken.objects.exists()
