"""Coordinates typed on the request form, one point a line: one point is a pit of the size
given (length east–west × width north–south) centred on it, several are a trench along them
of the width given. The shape is saved with its area, counted by the fee (by value), and given
back to the map after an error, once."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.gis.geos import GEOSGeometry

from commune.permits.models import PermitRequest, WorkArea
from commune.permits.services.billing import permit_days, permit_fees
from commune.tenants.scoping import scope

from .factories import origin, town_settings
from .test_views import form_data


def _lv95(x: float, y: float) -> str:
    """A point as a plan writes it: 2'539'100 / 1'151'100."""
    return f"{x:,.0f} / {y:,.0f}".replace(",", "'")


def _typed(town, **fields) -> dict:
    """The form with no drawn area, typed coordinates and sizes instead; saved as a draft."""
    data = {**form_data(town), "geometry": "", "draft": "1", **fields}
    data.pop("submit")
    return data


@pytest.fixture
def tariff(town_a):
    """CHF 100 + 0.50 per m² and day on local roads; a deposit of 20 per m², 50 at least."""
    with scope(town_a):
        town_settings(
            town_a,
            fee_base=Decimal("100"),
            rates={"local": "0.50"},
            deposit_per_m2=Decimal("20"),
            deposit_minimum=Decimal("50"),
        )


def test_a_point_with_a_size_is_a_pit_centred_on_it_and_billed_on_its_area(
    client, town_a, applicant, tariff
):
    # given: a point inside the town, and a pit 3 m east–west by 1.5 m north–south
    client.force_login(applicant)
    x, y = origin(town_a)
    x, y = int(x) + 500, int(y) + 500
    data = _typed(town_a, coordinates=_lv95(x, y), pit_length_m="3", pit_width_m="1.5")
    # when
    response = client.post("/pully/permits/new/", data)
    # then: one area of 3 × 1.5 = 4.50 m², from x ± 1.5 and y ± 0.75
    assert response.status_code == 302, response.context["form"].errors
    with scope(town_a):
        area = WorkArea.objects.get()
        permit = PermitRequest.objects.get()
        fees, days = permit_fees(permit), permit_days(permit)
    assert area.area_m2 == pytest.approx(4.5, abs=0.005)
    extent = area.geometry.extent
    assert extent == pytest.approx((x - 1.5, y - 0.75, x + 1.5, y + 0.75), abs=0.005)
    # and: the fee by hand: 4.50 m² × 5 days × 0.50 = 11.25, plus 100; deposit 4.5 × 20 = 90
    assert days == 5
    assert fees.occupation == Decimal("11.25")
    assert fees.total == Decimal("111.25")
    assert fees.deposit == Decimal("90.00")


def test_three_points_and_a_width_are_a_trench_billed_on_length_times_width(
    client, town_a, applicant, tariff
):
    # given: 12 m east, then 8 m north (20 m of trench), 0.6 m wide, typed one point a line
    client.force_login(applicant)
    x, y = origin(town_a)
    x, y = int(x) + 500, int(y) + 500
    typed = "\n".join([_lv95(x, y), _lv95(x + 12, y), "", _lv95(x + 12, y + 8)])
    data = _typed(town_a, coordinates=typed, line_width_m="0.6")
    # when
    response = client.post("/pully/permits/new/", data)
    # then: a line through the three points, 20 × 0.6 = 12.00 m²
    assert response.status_code == 302, response.context["form"].errors
    with scope(town_a):
        area = WorkArea.objects.get()
        fees = permit_fees(PermitRequest.objects.get())
    assert area.drawn.geom_type == "LineString"
    assert [tuple(round(c, 2) for c in p) for p in area.drawn.coords] == [
        (x, y),
        (x + 12, y),
        (x + 12, y + 8),
    ]
    assert (area.length_m, float(area.width_m), area.area_m2) == (pytest.approx(20), 0.6, 12.0)
    # and: 12 m² × 5 days × 0.50 = 30.00, plus 100; deposit 12 × 20 = 240
    assert (fees.occupation, fees.total, fees.deposit) == (
        Decimal("30.00"),
        Decimal("130.00"),
        Decimal("240.00"),
    )


def test_a_trench_without_its_width_is_refused_in_french_and_the_points_kept(
    client, town_a, applicant
):
    client.force_login(applicant)
    x, y = origin(town_a)
    typed = f"{_lv95(x + 500, y + 500)}\n{_lv95(x + 520, y + 500)}"
    response = client.post("/pully/permits/new/", _typed(town_a, coordinates=typed))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["coordinates"] == [
        "Plusieurs points forment une tranchée : donnez sa largeur (en mètres) plus haut."
    ]
    assert form["coordinates"].value() == typed
    with scope(town_a):
        assert not PermitRequest.objects.exists()


def test_a_line_that_cannot_be_read_is_named(client, town_a, applicant):
    client.force_login(applicant)
    x, y = origin(town_a)
    typed = f"{_lv95(x + 500, y + 500)}\n2539000\n{_lv95(x + 520, y + 500)}"
    data = _typed(town_a, coordinates=typed, line_width_m="0.5")
    response = client.post("/pully/permits/new/", data)
    assert response.status_code == 400
    [error] = response.context["form"].errors["coordinates"]
    assert error.startswith("Ligne 2 : Ces coordonnées ne peuvent pas être lues")


def test_the_pit_is_given_back_to_the_map_after_an_error_and_saved_once(client, town_a, applicant):
    # given: a 4 × 1 m pit typed, but no description
    client.force_login(applicant)
    x, y = origin(town_a)
    x, y = int(x) + 500, int(y) + 500
    data = _typed(town_a, coordinates=_lv95(x, y), pit_length_m="4", pit_width_m="1")
    data["description"] = ""
    # when
    response = client.post("/pully/permits/new/", data)
    # then: the textarea holds the pit in WGS84 (the map draws it), the sizes are kept and the
    # coordinates field is empty (sent again, the pit is not added twice)
    assert response.status_code == 400
    form = response.context["form"]
    [feature] = json.loads(form["geometry"].value())["features"]
    pit = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326).transform(2056, clone=True)
    assert pit.area == pytest.approx(4.0, abs=0.01)
    assert pit.centroid.coords == pytest.approx((x, y), abs=0.01)
    assert not form["coordinates"].value()
    assert (form["pit_length_m"].value(), form["pit_width_m"].value()) == ("4", "1")
    # when: sent again as the page gives it back, with the description
    again = {**data, "description": "Fibre", "geometry": form["geometry"].value()}
    again["coordinates"] = ""
    assert client.post("/pully/permits/new/", again).status_code == 302
    with scope(town_a):
        assert WorkArea.objects.get().area_m2 == pytest.approx(4.0, abs=0.01)
