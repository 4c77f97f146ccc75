"""Plain coordinates on the request form: LV95 or WGS84 as people copy them, read as one point
(services/coordinates.py), a 2 × 2 m area placed there; anything else is refused in words."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from commune.permits.models import PermitRequest, WorkArea
from commune.permits.services.coordinates import point_parse, point_square
from commune.tenants.scoping import scope

from .factories import origin
from .test_views import form_data

#: Where 46.51° N, 6.66° E lies in LV95 (swisstopo's REFRAME gives 2'540'239.3 / 1'151'263.4).
LAUSANNE_EAST_LV95 = (2_540_239.3, 1_151_263.4)


@pytest.mark.parametrize(
    "text",
    [
        "2'539'000 / 1'151'000",
        "2’539’000 / 1’151’000",
        "2 539 000 / 1 151 000",
        "2 539 000 1 151 000",
        "2539000 1151000",
        "E 2539000, N 1151000",
        "E: 2'539'000 N: 1'151'000",
        "2539000,1151000",
        "2539000;1151000",
        "1151000 / 2539000",
        "2\u202f539\u202f000 / 1\u202f151\u202f000",
    ],
)
def test_lv95_is_read_in_the_ways_people_write_it(text):
    point = point_parse(text)
    assert (point.srid, point.x, point.y) == (2056, 2_539_000, 1_151_000)


@pytest.mark.parametrize(
    "text",
    ["46.51, 6.66", "6.66, 46.51", "46.51 6.66", "46,51 6,66", "46.51° N, 6.66° E", "46.51;6.66"],
)
def test_wgs84_latitude_and_longitude_are_read_in_either_order(text):
    point = point_parse(text)
    assert point.srid == 2056
    assert point.x == pytest.approx(LAUSANNE_EAST_LV95[0], abs=0.5)
    assert point.y == pytest.approx(LAUSANNE_EAST_LV95[1], abs=0.5)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "NaN, 6.66",
        "nan nan",
        "inf, 6.66",
        "1e308, 1e308",
        "46.51e0, 6.66",
        "0x2A, 6.66",
        ";",
        ";;;",
        "46.51; 6.66; 7",
        "2539000",
        "46.51, 6.66'); DROP TABLE permits;--",
        "<script>46.51, 6.66</script>",
        "46.51, 6.66" + " " * 100,
        "9" * 400 + ", 6.66",
        "٤٦٫٥١, ٦٫٦٦",
        "\x00 46.51, 6.66",
        "-46.51, -6.66",
        "0, 0",
        "600000 / 200000",
    ],
)
def test_hostile_or_unreadable_coordinates_are_refused_in_words(text):
    with pytest.raises(Exception) as raised:
        point_parse(text)
    assert raised.type.__name__ == "ValidationError"
    assert [e.code for e in raised.value.error_list] in (["coordinates"], ["not_in_switzerland"])
    assert raised.value.messages[0].startswith("Ces coordonnées")  # in the reader's language


def test_a_point_gives_a_two_metre_square_around_it():
    square = point_square(Point(2_539_000, 1_151_000, srid=2056))
    assert square.area == pytest.approx(4.0)
    assert square.extent == (2_538_999.0, 1_150_999.0, 2_539_001.0, 1_151_001.0)


def test_coordinates_on_the_form_place_a_work_area(client, town_a, applicant):
    # given: a point inside town A's territory, typed as on a plan, and no drawn area
    client.force_login(applicant)
    x, y = origin(town_a)
    typed = f"{int(x + 500):,} / {int(y + 500):,}".replace(",", "'")
    data = {**form_data(town_a), "geometry": "", "coordinates": typed}
    # when
    response = client.post("/pully/permits/new/", data)
    # then: the request has one 2 × 2 m area centred there
    assert response.status_code == 302, response.context["form"].errors
    with scope(town_a):
        area = WorkArea.objects.get()
    assert area.area_m2 == pytest.approx(4.0, abs=0.01)
    assert area.geometry.centroid.x == pytest.approx(int(x + 500), abs=0.01)
    assert area.geometry.centroid.y == pytest.approx(int(y + 500), abs=0.01)


def test_coordinates_outside_the_town_are_refused_in_french(client, town_a, applicant):
    client.force_login(applicant)
    data = {**form_data(town_a), "geometry": "", "coordinates": "2'600'000 / 1'200'000"}
    response = client.post("/pully/permits/new/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors["coordinates"]
    assert errors == [
        "Ces coordonnées sont hors du territoire de la commune : vérifiez-les, ou dessinez la "
        "zone sur la carte."
    ]
    with scope(town_a):
        assert not PermitRequest.objects.exists()


def test_the_placed_square_is_given_back_to_the_map_after_an_error(client, town_a, applicant):
    # given: good coordinates but a missing description
    client.force_login(applicant)
    x, y = origin(town_a)
    data = {**form_data(town_a), "geometry": "", "coordinates": f"{x + 500} {y + 500}"}
    data["description"] = ""
    # when
    response = client.post("/pully/permits/new/", data)
    # then: the textarea holds the square (the map draws it), the coordinates field is empty
    assert response.status_code == 400
    form = response.context["form"]
    assert '"Polygon"' in form["geometry"].value()
    assert not form["coordinates"].value()
