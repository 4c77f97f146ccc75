"""The staff map filtered by the works' dates (issue 8): a GET form that works without
JavaScript, the same filter on the GeoJSON, and dates that do not hold refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.permits.models import PermitRequest
from commune.permits.selectors import permit_map_features
from commune.permits.tests.public_helpers import work

# Sets the dates of the works from a fixed day; nothing reads today.
JUNE = dt.date(2031, 6, 2)
Status = PermitRequest.Status


@pytest.fixture
def files(in_town):
    """Works in June (2-6), in July (1-10), and June's extended into August."""
    june = work(in_town, status=Status.IN_REVIEW, start=JUNE, days=4, dx=100)
    july = work(in_town, status=Status.GRANTED, start=dt.date(2031, 7, 1), days=9, dx=400)
    extended = work(in_town, status=Status.WORKS_STARTED, start=JUNE, days=4, dx=700)
    extended.valid_until = dt.date(2031, 8, 15)
    extended.save(update_fields=["valid_until"])
    return {"june": june, "july": july, "extended": extended}


def refs(collection) -> set[str]:
    return {f["properties"]["reference"] for f in collection["features"]}


def test_the_selector_keeps_the_files_whose_works_meet_the_period(in_town, files):
    # when
    june = permit_map_features(
        municipality=in_town, start=dt.date(2031, 6, 1), end=dt.date(2031, 6, 30)
    )
    from_july = permit_map_features(municipality=in_town, start=dt.date(2031, 7, 1))
    after_july = permit_map_features(municipality=in_town, start=dt.date(2031, 7, 11))
    until_first_july = permit_map_features(municipality=in_town, end=dt.date(2031, 7, 1))
    # then: an extension counts to its last day, the period's ends are inclusive
    assert refs(june) == {files["june"].reference, files["extended"].reference}
    assert refs(from_july) == {files["july"].reference, files["extended"].reference}
    assert refs(after_july) == {files["extended"].reference}
    assert refs(until_first_july) == {r.reference for r in files.values()}


def test_the_map_page_filters_by_dates_with_a_plain_form(staff_client, officer, files):
    # when the officer sends the form (GET, no JavaScript needed)
    response = staff_client(officer).get(
        "/pully/permits/staff/map/", {"start": "2031-07-01", "end": "2031-07-31"}
    )
    # then the table and the map hold July's works and the extended ones only
    body = response.content.decode()
    assert response.status_code == 200
    assert '<input type="date" name="start" value="2031-07-01"' in body
    assert files["july"].reference in body and files["extended"].reference in body
    assert files["june"].reference not in body
    # and the GeoJSON link carries the same filter
    assert "map.geojson?start=2031-07-01&amp;end=2031-07-31" in body


def test_the_geojson_honours_the_same_dates(staff_client, officer, files):
    collection = (
        staff_client(officer)
        .get("/pully/permits/staff/map.geojson", {"start": "2031-06-01", "end": "2031-06-30"})
        .json()
    )
    assert refs(collection) == {files["june"].reference, files["extended"].reference}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2031-13-45"}, "start", "Saisissez une date valide."),
        ({"end": "demain"}, "end", "Saisissez une date valide."),
        ({"start": "9999-01-01"}, "start", "Choisissez une date entre"),
        ({"start": "2031-07-10", "end": "2031-07-01"}, "__all__", "avant son début"),
    ],
)
def test_dates_that_do_not_hold_are_refused_with_a_reason_in_french(
    staff_client, officer, files, params, field, message
):
    client = staff_client(officer)
    # when
    page = client.get("/pully/permits/staff/map/", params)
    geojson = client.get("/pully/permits/staff/map.geojson", params)
    # then the page says why beside the form, and shows no file as if it were filtered
    assert page.status_code == 400
    body = page.content.decode()
    assert message in body
    assert files["june"].reference not in body
    # and the GeoJSON answers 400 with the reason, for the same field
    assert geojson.status_code == 400
    assert any(message in text for text in geojson.json()["errors"][field])
