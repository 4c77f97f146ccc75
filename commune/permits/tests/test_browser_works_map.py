"""In Chromium, with axe-core, every tile request blocked (issue 8): the public works map and
the staff map still show the town's outline and the works, a pit of 2 m² as a visible circle,
and say that the background map is unavailable; the staff map filters by the works' dates."""

from __future__ import annotations

import pytest

from commune.accounts.models import User
from commune.permits.models import PermitRequest
from commune.permits.tests.factories import draft, origin
from commune.tenants import demo, scoping

from .browser import APPLICANT, open_page, start_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock]


def _works(town):
    """A granted 2 x 1 m pit in ten days and a 30 x 4 m trench in sixty, inside the town."""
    centre = town.territory.point_on_surface
    x0, y0 = origin(town)
    dx, dy = centre.x - x0, centre.y - y0
    applicant = User.objects.get(email=APPLICANT)
    pit = draft(
        town,
        dx=dx,
        dy=dy,
        w=2,
        h=1,
        applicant=applicant,
        status=PermitRequest.Status.GRANTED,
        reference="PLY-2026-0501",
        planned_start=start_in(10),
        planned_end=start_in(12),
        road_closure="one_lane",
    )
    trench = draft(
        town,
        dx=dx + 300,
        dy=dy,
        w=30,
        h=4,
        applicant=applicant,
        status=PermitRequest.Status.GRANTED,
        reference="PLY-2026-0502",
        planned_start=start_in(60),
        planned_end=start_in(70),
    )
    return pit, trench


def _tiles_blocked(page):
    """The notice says so, and no tile image was drawn (every request was aborted)."""
    notice = page.locator("[data-map-notice]")
    notice.wait_for()
    assert notice.inner_text() == "Fond de carte indisponible"
    assert notice.is_visible()
    assert page.locator(".leaflet-tile-loaded").count() == 0


def test_without_tiles_the_maps_still_show_the_works_and_say_so(browser, live_server, axe, pully):
    # given two works, one a pit far too small to see at the town's scale
    with scoping.scope(pully):
        pit, trench = _works(pully)

    # when anyone opens the public works map, every tile request failing
    public = open_page(browser, live_server)
    public.goto("/pully/works/")
    public.wait_for_selector("#works-map[data-works-loaded]")

    # then the town's outline and both works are drawn, the pit as a circle of 14 px
    _tiles_blocked(public)
    assert int(public.locator("#works-map").get_attribute("data-works-loaded")) >= 2
    shapes = public.locator("#works-map path.leaflet-interactive")
    assert shapes.count() >= 3  # the territory, the two areas (and the small sites' circles)
    circles = public.locator("#works-map path.work-site-marker")
    assert circles.count() >= 1
    box = circles.first.bounding_box()
    assert box["width"] >= 12 and box["height"] >= 12
    axe(public)

    # when the officer opens the staff map and keeps the works from the 50th day on
    officer = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    officer.goto("/pully/permits/staff/map/")
    _tiles_blocked(officer)
    assert officer.locator("#files-map path.work-site-marker").count() >= 1
    officer.get_by_label("Travaux dès le").fill(start_in(50).isoformat())
    officer.get_by_role("button", name="Filtrer").click()
    officer.wait_for_url(lambda url: "start=" in url)

    # then only the trench is listed, with the same filter on its GeoJSON link
    table = officer.locator("main table")
    assert trench.reference in table.inner_text()
    assert pit.reference not in table.inner_text()
    link = officer.get_by_role("link", name="Ces dossiers en GeoJSON")
    assert f"start={start_in(50).isoformat()}" in link.get_attribute("href")
    _tiles_blocked(officer)
    axe(officer)

    # when the period is reversed, the form says why and shows no file
    officer.get_by_label("Travaux jusqu’au").fill(start_in(40).isoformat())
    officer.get_by_role("button", name="Filtrer").click()
    officer.get_by_text("La fin de la période est avant son début.").wait_for()
    assert trench.reference not in officer.locator("main").inner_text()
    axe(officer)
