"""Trenches: a line and its width. The fee counts length × width (by value), the buffered
outline is only its footprint; a draft shows its line and width again."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from commune.permits.models import PermitRequest, WorkArea
from commune.permits.services.billing import permit_days, permit_fees
from commune.tenants.scoping import scope

from .factories import origin, town_settings
from .test_views import form_data


def _l_shaped(town) -> str:
    x, y = origin(town)
    # 12 m east, then 8 m north: 20 m of trench with one right-angled bend
    coords = [[x + 100, y + 100], [x + 112, y + 100], [x + 112, y + 108]]
    return json.dumps({"type": "LineString", "coordinates": coords})


def test_a_bent_trench_counts_its_length_times_its_width(client, town_a, applicant):
    # given: a 20 m trench, 0.6 m wide, bent once
    client.force_login(applicant)
    data = {**form_data(town_a, geometry=_l_shaped(town_a), line_width_m="0.6"), "draft": "1"}
    data.pop("submit")
    # when
    assert client.post("/pully/permits/new/", data).status_code == 302
    # then: 20 × 0.6 = 12.00 m², though the buffered outline's bend (its inner corner
    # overlaps, its outer one is rounded) makes its surface differ
    with scope(town_a):
        area = WorkArea.objects.get()
    assert area.length_m == pytest.approx(20.0)
    assert float(area.width_m) == 0.6
    assert area.area_m2 == 12.0
    assert abs(area.geometry.area - 12.0) > 0.01


def test_the_fee_of_a_trench_is_computed_on_length_times_width(client, town_a, applicant):
    # given: a tariff of CHF 100 + 0.50 per m² and day on local roads
    with scope(town_a):
        town_settings(town_a, fee_base=Decimal("100"), rates={"local": "0.50"})
    client.force_login(applicant)
    data = {**form_data(town_a, geometry=_l_shaped(town_a), line_width_m="0.6"), "draft": "1"}
    data.pop("submit")
    assert client.post("/pully/permits/new/", data).status_code == 302
    # when: the fees of the request's 5 days (form_data plans 4 days after the start)
    with scope(town_a):
        permit = PermitRequest.objects.get()
        assert permit_days(permit) == 5
        fees = permit_fees(permit)
    # then: 12 m² × 5 days × 0.50 = 30.00, plus the base
    assert fees.occupation == Decimal("30.00")
    assert fees.total == Decimal("130.00")


def test_a_draft_with_a_trench_opens_with_its_line_and_width(client, town_a, applicant):
    client.force_login(applicant)
    data = {**form_data(town_a, geometry=_l_shaped(town_a), line_width_m="0.6"), "draft": "1"}
    data.pop("submit")
    response = client.post("/pully/permits/new/", data)
    page = client.get(response["Location"].rstrip("/") + "/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    drawn = json.loads(form["geometry"].value())
    assert drawn["features"][0]["geometry"]["type"] == "LineString"
    assert drawn["features"][0]["properties"] == {"width": 0.6}
    assert float(form["line_width_m"].value()) == 0.6
