"""The request form in Chromium, in French, with axe on every state: a trench drawn as a line
with its width, a refused sending (error summary focused, the line and the plan kept), the
checks before submitting (a street under moratorium), then the submission with the plan."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.gis.geos import Polygon

from commune.permits.models import PendingUpload, PermitRequest, ResurfacedStreet
from commune.tenants import scoping

from .browser import APPLICANT, lv95_to_wgs84, open_page, start_in, trees_origin
from .test_views import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _draw_line(page, points_lv95: list[tuple[float, float]]) -> None:
    """Zoom on the line, click each of its points, finish the shape."""
    corners = lv95_to_wgs84(points_lv95)  # (lat, lng) pairs
    lat = sum(c[0] for c in corners) / len(corners)
    lng = sum(c[1] for c in corners) / len(corners)
    page.wait_for_function("() => document.getElementById('permit-map').leafletMap !== undefined")
    page.evaluate(
        f"document.getElementById('permit-map').leafletMap.setView([{lat}, {lng}], 19, "
        "{animate: false})"
    )
    page.locator("#permit-map").scroll_into_view_if_needed()
    box = page.locator("#permit-map").bounding_box()
    for corner_lat, corner_lng in corners:
        x, y = page.evaluate(
            "([lat, lng]) => { const p = document.getElementById('permit-map').leafletMap"
            ".latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
            [corner_lat, corner_lng],
        )
        page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_role("button", name="Terminer la forme").click()


@pytest.mark.clock
def test_a_trench_survives_an_error_is_checked_then_submitted_with_its_plan(
    browser, live_server, axe, pully
):
    # given: a street under moratorium where the trench goes (east of the trees)
    x, y = trees_origin(pully)
    x += 200
    line = [(x, y), (x + 15, y), (x + 15, y + 5)]  # 20 m, one bend
    with scoping.scope(pully):
        ResurfacedStreet.objects.create(
            municipality=pully,
            name="Chemin du Test",
            geometry=Polygon.from_bbox((x - 5, y - 3, x + 20, y + 8)),
            resurfaced_on=dt.date(2025, 6, 1),
            moratorium_until=dt.date(2031, 6, 1),
        )
    page = open_page(browser, live_server, APPLICANT)
    page.goto("/pully/permits/new/")
    axe(page)

    # then: the applicant's only organisation is chosen, with its invoicing address
    assert page.locator("#id_organisation option:checked").inner_text().startswith("Génie Civil")
    assert page.locator("#id_invoice_address").input_value().strip()

    # when: a trench 0.8 m wide is drawn as a line
    page.get_by_role("radio", name="Une tranchée", exact=False).check()
    page.locator("#id_line_width_m").fill("0.8")
    _draw_line(page, line)
    drawn = json.loads(page.locator("#id_geometry").input_value())
    assert drawn["features"][0]["geometry"]["type"] == "LineString"
    assert drawn["features"][0]["properties"]["width"] == 0.8
    assert "1 tranchée" in page.locator("[data-map-status]").inner_text()

    # and: the form is sent with a plan but without a description
    page.select_option("select[name=kind]", "water")
    page.fill("[name=site_manager_name]", "Paulo Ferreira")
    page.fill("[name=site_manager_phone]", "+41 79 555 12 34")
    start = start_in(30)
    page.fill("[name=planned_start]", start.isoformat())
    page.fill("[name=planned_end]", (start + dt.timedelta(days=4)).isoformat())
    page.locator("#id_attachments").set_input_files(
        {"name": "plan-fouille.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Déposer la demande").click()

    # then: the error summary is at the top, focused, and links to the description
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "Il y a un problème" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    summary.get_by_role("link", name=re.compile("Description")).click()
    assert page.evaluate("document.activeElement.id") == "id_description"
    axe(page)
    # and: the trench is still drawn, with its width, and the plan is kept
    kept = json.loads(page.locator("#id_geometry").input_value())
    assert kept["features"][0]["geometry"]["type"] == "LineString"
    assert "1 tranchée" in page.locator("[data-map-status]").inner_text()
    assert page.locator("#id_line_width_m").input_value() == "0.8"
    assert "plan-fouille.pdf" in page.locator("[data-uploaded-files]").inner_text()
    with scoping.scope(pully):
        assert PendingUpload.objects.count() == 1

    # when: the description is given and the request checked
    page.fill("[name=description]", "Raccordement d'eau")
    page.get_by_role("button", name="Vérifier la demande").click()
    check = page.locator("[data-request-check]")
    check.wait_for()
    # then: the street under moratorium is found, nothing is submitted yet
    assert "Chemin du Test" in check.inner_text()
    axe(page)
    with scoping.scope(pully):
        assert not PermitRequest.objects.exists()

    # when: submitted
    page.get_by_role("button", name="Déposer la demande").click()
    page.wait_for_url(re.compile(r"/pully/permits/\d+/(#.*)?$"))
    axe(page)
    # then: the request has the trench (length × width) and the plan
    with scoping.scope(pully):
        permit = PermitRequest.objects.get()
        area = permit.areas.get()
        assert float(area.width_m) == 0.8
        assert area.area_m2 == round(area.drawn.length * 0.8, 2)  # drawn by hand: ~20 m
        assert area.area_m2 == pytest.approx(20 * 0.8, abs=0.5)
        assert [a.name for a in permit.attachments.all()] == ["plan-fouille.pdf"]
        assert not PendingUpload.objects.exists()
        assert permit.findings.filter(kind="moratorium").exists()
    assert "plan-fouille.pdf" in page.locator("main").inner_text()


def test_a_drawn_area_can_be_edited_corner_by_corner(browser, live_server, axe, pully):
    # given: a four-cornered area drawn on the map
    x, y = trees_origin(pully)
    x += 200
    page = open_page(browser, live_server, APPLICANT)
    page.goto("/pully/permits/new/")
    _draw_line(page, [(x, y), (x + 20, y), (x + 20, y + 10), (x, y + 10)])
    ring = json.loads(page.locator("#id_geometry").input_value())["features"][0]["geometry"]
    assert ring["type"] == "Polygon" and len(ring["coordinates"][0]) == 5
    corners = page.locator(".draw-vertex")
    assert corners.count() == 4

    # when: a corner is dragged 40 px to the right
    page.locator("#permit-map").scroll_into_view_if_needed()
    box = corners.nth(2).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 20, cy, steps=4)
    page.mouse.move(cx + 40, cy, steps=4)
    page.mouse.up()
    # then: that corner moved east in the text field, the others stayed
    moved = json.loads(page.locator("#id_geometry").input_value())["features"][0]["geometry"]
    assert moved["coordinates"][0][2][0] > ring["coordinates"][0][2][0]
    assert moved["coordinates"][0][0] == ring["coordinates"][0][0]

    # when: a corner is clicked, it is removed (the area keeps three)
    page.locator(".draw-vertex").nth(1).click()
    three = json.loads(page.locator("#id_geometry").input_value())["features"][0]["geometry"]
    assert len(three["coordinates"][0]) == 4
    page.locator(".draw-vertex").nth(1).click()  # not below three corners
    assert page.locator(".draw-vertex").count() == 3
    axe(page)

    # when: the last shape is deleted, nothing is left to send
    page.get_by_role("button", name="Supprimer la dernière forme").click()
    assert page.locator("#id_geometry").input_value() == ""
    assert "0 zone(s), 0 tranchée(s)" in page.locator("[data-map-status]").inner_text()
