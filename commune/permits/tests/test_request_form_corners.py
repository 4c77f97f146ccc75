"""The corners of the work areas as LV95 coordinates to type, under the map: the keyboard's
and the page without JavaScript's way to move a shape (services/corners.py, forms/corners.py).
A corner typed moves that corner only; the corners apply to the text they were listed from."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.gis.geos import Polygon

from commune.permits.forms.corners import FINGERPRINT
from commune.permits.models import PermitRequest, WorkArea
from commune.permits.services.corners import corners_apply, corners_list, fingerprint
from commune.tenants.scoping import scope

from .factories import origin
from .test_views import form_data


def _rect_wgs84(x: float, y: float, w: float, h: float) -> str:
    """A w × h m rectangle from (x, y) in LV95, written in WGS84 as the map writes it."""
    ring = Polygon.from_bbox((x, y, x + w, y + h))
    ring.srid = 2056
    geometry = json.loads(ring.transform(4326, clone=True).json)
    feature = {"type": "Feature", "properties": {}, "geometry": geometry}
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


def _corner_fields(text: str, **typed) -> dict:
    """The list as the page sends it (every corner as listed), with `typed` ones changed."""
    fields = {FINGERPRINT: fingerprint(text)}
    for shape in corners_list(text):
        for index, value in enumerate(shape.texts, start=1):
            fields[f"corner-{shape.number}-{index}"] = value
    fields.update({k.replace("_", "-"): v for k, v in typed.items()})
    return fields


def test_the_corners_of_a_drawn_area_are_listed_in_lv95_to_the_centimetre():
    [shape] = corners_list(_rect_wgs84(2_539_000, 1_151_000, 4, 2))
    assert shape.kind == "area" and shape.number == 1
    assert sorted(shape.texts) == [
        "2539000.00 / 1151000.00",
        "2539000.00 / 1151002.00",
        "2539004.00 / 1151000.00",
        "2539004.00 / 1151002.00",
    ]


@pytest.mark.parametrize(
    "text", ["", "nonsense", "[]", '{"type": "Polygon", "coordinates": [[["a", 1]]]}', "1e999"]
)
def test_what_cannot_be_read_lists_nothing_and_moves_nothing(text):
    assert corners_list(text) == []
    assert corners_apply(text, {(1, 1): "2539000 / 1151000"}) is None


def _area_of(town):
    with scope(town):
        return WorkArea.objects.get()


@pytest.fixture
def drawn(town_a, applicant, client):
    """A 4 × 2 m area drawn 500 m into town A, saved as a draft: its edit page and text."""
    client.force_login(applicant)
    x, y = origin(town_a)
    x, y = int(x) + 500, int(y) + 500
    text = _rect_wgs84(x, y, 4, 2)
    data = {**form_data(town_a, geometry=text), "draft": "1"}
    data.pop("submit")
    response = client.post("/pully/permits/new/", data)
    assert response.status_code == 302
    with scope(town_a):
        permit = PermitRequest.objects.get()
    return permit, (x, y), data


def _edit_page(client, permit):
    page = client.get(f"/pully/permits/{permit.pk}/edit/")
    assert page.status_code == 200
    return page


def test_a_corner_typed_without_javascript_moves_the_saved_area(client, town_a, drawn):
    # given: the draft's edit page lists its four corners in LV95
    permit, (x, y), data = drawn
    page = _edit_page(client, permit)
    html = page.content.decode()
    text = page.context["form"]["geometry"].value()
    [shape] = corners_list(text)
    corner = shape.texts.index(f"{x + 4}.00 / {y + 2}.00")
    assert f'value="{x + 4}.00 / {y + 2}.00"' in html
    # when: the north-east corner is typed 2 m further east, and the draft saved
    fields = _corner_fields(text, **{f"corner_1_{corner + 1}": f"{x + 6} / {y + 2}"})
    response = client.post(page.request["PATH_INFO"], {**data, "geometry": text, **fields})
    # then: the area is a trapezoid of (4 + 6) / 2 × 2 = 10 m² with that corner moved
    assert response.status_code == 302, response.context["form"].errors
    area = _area_of(town_a)
    assert area.area_m2 == pytest.approx(10.0, abs=0.01)
    assert area.geometry.extent == pytest.approx((x, y, x + 6, y + 2), abs=0.005)


def test_applying_the_corners_shows_the_page_again_with_the_area_moved(client, town_a, drawn):
    permit, (x, y), data = drawn
    page = _edit_page(client, permit)
    text = page.context["form"]["geometry"].value()
    fields = _corner_fields(text, corner_1_1=f"{x - 1}.5 / {y}")
    data = {k: v for k, v in data.items() if k != "draft"}
    response = client.post(
        page.request["PATH_INFO"], {**data, "geometry": text, **fields, "apply_corners": "1"}
    )
    # then: the page lists the corner as typed, the text field holds the moved area; the
    # outline still ends where it starts; nothing saved yet
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{x - 1}.50 / {y}.00"' in html
    moved = json.loads(response.context["form"]["geometry"].value())
    ring = moved["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert _area_of(town_a).area_m2 == pytest.approx(8.0, abs=0.01)


def test_a_corner_that_cannot_be_read_is_said_in_french_and_moves_nothing(client, town_a, drawn):
    permit, (x, y), data = drawn
    page = _edit_page(client, permit)
    text = page.context["form"]["geometry"].value()
    fields = _corner_fields(text, corner_1_2="par là")
    response = client.post(page.request["PATH_INFO"], {**data, "geometry": text, **fields})
    assert response.status_code == 400
    [error] = response.context["form"].errors["geometry"]
    assert error.startswith("Coin 2 de la forme 1 : Ces coordonnées ne peuvent pas être lues")
    assert "Coin 2 de la forme 1" in response.content.decode()
    assert _area_of(town_a).area_m2 == pytest.approx(8.0, abs=0.01)


def test_an_area_drawn_or_pasted_since_the_list_wins_over_its_corners(client, town_a, drawn):
    # given: corners listed from the old area, a corner typed, and a new area pasted
    permit, (x, y), data = drawn
    text = _edit_page(client, permit).context["form"]["geometry"].value()
    fields = _corner_fields(text, corner_1_1=f"{x - 10} / {y}")
    pasted = _rect_wgs84(x + 50, y, 3, 3)
    # when
    response = client.post(
        f"/pully/permits/{permit.pk}/edit/", {**data, **fields, "geometry": pasted}
    )
    # then: the pasted 3 × 3 m area is saved as it is
    assert response.status_code == 302
    area = _area_of(town_a)
    assert area.area_m2 == pytest.approx(9.0, abs=0.01)
    assert area.geometry.extent == pytest.approx((x + 50, y, x + 53, y + 3), abs=0.005)


def test_the_list_for_htmx_gives_the_moved_areas_to_the_page(client, town_a, drawn):
    permit, (x, y), data = drawn
    text = _edit_page(client, permit).context["form"]["geometry"].value()
    fields = _corner_fields(text, corner_1_1=f"{x - 2} / {y}")
    response = client.post(
        "/pully/permits/corners/", {"geometry": text, **fields}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{x - 2}.00 / {y}.00"' in html
    moved = re.search(r'data-corners-geometry="([^"]+)"', html).group(1)
    assert "Polygon" in moved.replace("&quot;", '"')
    # and: a list without a change gives no areas back; a GET is refused; a stranger logs in
    same = client.post("/pully/permits/corners/", {"geometry": text, **_corner_fields(text)})
    assert "data-corners-geometry" not in same.content.decode()
    assert client.get("/pully/permits/corners/").status_code == 405
    client.logout()
    assert client.post("/pully/permits/corners/", {"geometry": text}).status_code == 302


def test_a_corner_sent_empty_is_removed_and_the_outline_stays_closed():
    # given: a 4 × 2 m rectangle; its first corner emptied
    text = _rect_wgs84(2_539_000, 1_151_000, 4, 2)
    # when
    moved = json.loads(corners_apply(text, {(1, 1): " "}))
    # then: a triangle of 4 m², ending where it starts
    ring = moved["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 4 and ring[0] == ring[-1]
    polygon = Polygon(ring, srid=4326).transform(2056, clone=True)
    assert polygon.area == pytest.approx(4.0, abs=0.01)


def test_an_area_keeps_three_corners_in_french(client, town_a, drawn):
    permit, (x, y), data = drawn
    page = _edit_page(client, permit)
    text = page.context["form"]["geometry"].value()
    fields = _corner_fields(text, corner_1_1="", corner_1_2="")
    response = client.post(page.request["PATH_INFO"], {**data, "geometry": text, **fields})
    assert response.status_code == 400
    assert response.context["form"].errors["geometry"] == [
        "Une zone garde au moins trois coins, une tranchée deux points (forme 1)."
    ]
    assert _area_of(town_a).area_m2 == pytest.approx(8.0, abs=0.01)


def test_a_corner_emptied_on_the_page_is_removed_from_the_saved_area(client, town_a, drawn):
    permit, (x, y), data = drawn
    page = _edit_page(client, permit)
    text = page.context["form"]["geometry"].value()
    [shape] = corners_list(text)
    corner = shape.texts.index(f"{x + 4}.00 / {y + 2}.00") + 1
    fields = _corner_fields(text, **{f"corner_1_{corner}": ""})
    response = client.post(page.request["PATH_INFO"], {**data, "geometry": text, **fields})
    assert response.status_code == 302
    area = _area_of(town_a)
    assert area.area_m2 == pytest.approx(4.0, abs=0.01)
    assert area.geometry.num_coords == 4


def test_a_long_outline_is_not_listed():
    # given: a line of 100 000 points (about 2 MB, what a request body may carry)
    line = [[2_539_000 + i * 0.01, 1_151_000] for i in range(100_000)]
    text = json.dumps({"type": "LineString", "coordinates": line})
    # when / then: more than 60 corners: none listed (counted before any is read)
    assert corners_list(text) is None
    assert corners_list(json.dumps({"type": "LineString", "coordinates": line[:60]}))
