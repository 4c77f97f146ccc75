"""In Chromium, in French: a draft's corner moved with the keyboard alone (WCAG 2.1.1), through
the list of LV95 coordinates under the map; with JavaScript the map and the text field follow
at once, without it "Appliquer les coins" sends the page back. The saved area changes; axe finds
nothing on the page, the list's error included. Typed coordinates make a pit on the map."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry

from commune.accounts.models import User
from commune.permits.models import WorkArea
from commune.permits.tests.factories import draft, origin
from commune.tenants import scoping

from .browser import APPLICANT, open_page, start_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _draft(town):
    """A 4 × 2 m draft of the demo applicant in the middle of the town; its south-west corner."""
    centre = town.territory.point_on_surface
    x0, y0 = origin(town)
    x, y = round(centre.x), round(centre.y)
    with scoping.scope(town):
        permit = draft(
            town,
            dx=x - x0,
            dy=y - y0,
            applicant=User.objects.get(email=APPLICANT),
            planned_start=start_in(40),
            planned_end=start_in(44),
        )
    return permit, (x, y)


def _saved(town):
    with scoping.scope(town):
        return WorkArea.objects.get()


def _vertices(page) -> list[list[float]]:
    """The corners the map shows (draw.js's markers), as [lat, lng]."""
    return page.evaluate(
        "() => Object.values(document.getElementById('permit-map').leafletMap._layers)"
        ".filter(l => l.options && l.options.icon && String(l.options.icon.options.className)"
        ".includes('draw-vertex')).map(l => [l.getLatLng().lat, l.getLatLng().lng])"
    )


def _east_of(page) -> float:
    return max(lng for _lat, lng in _vertices(page))


def _type(page, text: str) -> None:
    """Select what the focused field holds and type over it, with the keyboard."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.clock
def test_a_corner_moved_with_the_keyboard_moves_the_map_and_the_saved_area(
    browser, live_server, axe, pully
):
    permit, (x, y) = _draft(pully)
    page = open_page(browser, live_server, APPLICANT)
    page.goto(f"/pully/permits/{permit.pk}/edit/")
    page.wait_for_function("() => document.getElementById('permit-map').leafletMap !== undefined")
    axe(page)
    # given: the list names the four corners; the third is the north-east one
    assert page.locator("#corner-1-3").input_value() == f"{x + 4}.00 / {y + 2}.00"
    east_before = _east_of(page)
    text_before = page.locator("#id_geometry").input_value()

    # when: from the first corner, Tab twice, and type the third 2 m further east
    page.locator("#corner-1-1").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "corner-1-3"
    _type(page, f"{x + 6} / {y + 2}")
    with page.expect_response(lambda r: r.url.endswith("/permits/corners/")):
        page.keyboard.press("Tab")

    # then: the text field and the map take the moved corner; the keyboard stays in the list
    page.wait_for_function(
        "(t) => document.getElementById('id_geometry').value !== t", arg=text_before
    )
    assert page.locator("#corner-1-3").input_value() == f"{x + 6}.00 / {y + 2}.00"
    assert page.evaluate("document.activeElement.id") == "corner-1-4"
    assert _east_of(page) > east_before
    assert "1 zone(s), 0 tranchée(s)" in page.locator("[data-map-status]").inner_text()

    # when: a corner that cannot be read is typed
    _type(page, "par là")
    with page.expect_response(lambda r: r.url.endswith("/permits/corners/")):
        page.keyboard.press("Tab")
    # then: the list says so in French, and axe finds nothing
    error = page.locator("#corners-errors")
    error.wait_for()
    assert error.inner_text().startswith("Coin 4 de la forme 1 : Ces coordonnées")
    axe(page)

    # when: the last corner is typed back, and the draft saved from the keyboard
    page.locator("#corner-1-4").focus()
    _type(page, f"{x} / {y + 2}")
    with page.expect_response(lambda r: r.url.endswith("/permits/corners/")):
        page.keyboard.press("Tab")
    page.get_by_role("button", name="Enregistrer comme brouillon").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # then: the saved area is the trapezoid, (4 + 6) / 2 × 2 = 10 m²
    area = _saved(pully)
    assert area.area_m2 == pytest.approx(10.0, abs=0.01)
    assert area.geometry.extent == pytest.approx((x, y, x + 6, y + 2), abs=0.005)


def test_without_javascript_a_corner_typed_is_applied_then_saved(browser, live_server, pully):
    permit, (x, y) = _draft(pully)
    page = open_page(browser, live_server, APPLICANT, java_script_enabled=False)
    page.goto(f"/pully/permits/{permit.pk}/edit/")
    # when: the south-west corner is typed 1 m further south, and the corners applied
    page.locator("#corner-1-1").focus()
    _type(page, f"{x} / {y - 1}")
    page.get_by_role("button", name="Appliquer les coins").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then: the page lists it as typed, the text field holds it; nothing saved yet
    assert page.locator("#corner-1-1").input_value() == f"{x}.00 / {y - 1}.00"
    drawn = json.loads(page.locator("#id_geometry").input_value())
    ring = GEOSGeometry(json.dumps(drawn["features"][0]["geometry"]), srid=4326)
    assert ring.transform(2056, clone=True).extent == pytest.approx(
        (x, y - 1, x + 4, y + 2), abs=0.005
    )
    assert _saved(pully).area_m2 == pytest.approx(8.0, abs=0.01)
    # when: saved
    page.get_by_role("button", name="Enregistrer comme brouillon").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then: (2 + 3) / 2 × 4 = 10 m²
    assert _saved(pully).area_m2 == pytest.approx(10.0, abs=0.01)


@pytest.mark.clock
def test_typed_coordinates_make_a_pit_on_the_map_after_an_error(browser, live_server, axe, pully):
    # given: the new request form, a pit of 3 × 1.5 m typed at the town's middle, no description
    centre = pully.territory.point_on_surface
    x, y = round(centre.x), round(centre.y)
    page = open_page(browser, live_server, APPLICANT)
    page.goto("/pully/permits/new/")
    page.locator("#id_coordinates").fill(f"{x} / {y}")
    page.locator("#id_pit_length_m").fill("3")
    page.locator("#id_pit_width_m").fill("1.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Déposer la demande").click()
    # then: the map draws the pit, its corners are listed, the sizes are kept
    page.wait_for_function("() => document.getElementById('permit-map').leafletMap !== undefined")
    assert "1 zone(s), 0 tranchée(s)" in page.locator("[data-map-status]").inner_text()
    assert len(_vertices(page)) == 4
    assert page.locator("#corner-1-1").input_value() == f"{x - 1.5:.2f} / {y - 0.75:.2f}"
    assert page.locator("#id_pit_length_m").input_value() == "3"
    assert page.locator("#id_coordinates").input_value() == ""
    axe(page)
