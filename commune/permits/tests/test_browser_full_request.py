"""A full excavation permit in Chromium, from the drawn area to the closed file: routing by
rule and by geometry, four reviews (one with a standard condition), the grant, the PDF whose
QR/verification URL says valid, the works declarations with a photo, the inspection. Every
page visited passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pypdf
import pytest

from commune.permits.models import PermitRequest
from commune.tenants import demo, scoping

from .browser import (
    APPLICANT,
    PARKS_REVIEWER,
    draw_area,
    fill_request,
    log_in,
    open_page,
    start_in,
    submit_request,
    trees_origin,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ZURICH = ZoneInfo("Europe/Zurich")

# The smallest valid PNG: a 1×1 pixel, enough for the content check.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _review(page, axe, permit_id: int, *, condition: str = ""):
    page.goto(f"/pully/permits/staff/{permit_id}/")
    axe(page)
    page.locator("#routing-title + div a[href*='/staff/tasks/']").first.click()
    page.wait_for_url(re.compile(r"/staff/tasks/\d+/"))  # axe on the task, not mid-navigation
    axe(page)
    if condition:
        page.locator("input[name=opinion][value=conditions]").check()
        page.get_by_label(re.compile(condition)).check()
    else:
        page.locator("input[name=opinion][value=favourable]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/pully/permits/staff/{permit_id}/")
    axe(page)


@pytest.mark.clock
def test_a_request_goes_from_the_drawn_area_to_the_closed_file(
    browser, live_server, axe, pully, time_machine
):
    # given: an area crossing the protected trees, with a full road closure, for water works
    x, y = trees_origin(pully)
    ring = [(x + 30, y - 8), (x + 90, y - 8), (x + 90, y - 1), (x + 30, y - 1)]
    applicant = open_page(browser, live_server, APPLICANT)

    # when: the applicant draws the area on the map and submits
    applicant.goto("/pully/permits/new/")
    axe(applicant)
    draw_area(applicant, ring)
    assert '"Polygon"' in applicant.locator("#id_geometry").input_value()
    fill_request(
        applicant,
        kind="water",
        description="Remplacement d'une conduite d'eau",
        start=start_in(30),
        days=10,
        road_closure="full",
    )
    submit_request(applicant)
    axe(applicant)
    with scoping.scope(pully):
        permit = PermitRequest.objects.get()
    assert permit.reference in applicant.locator("main h1").inner_text()
    assert permit.status == PermitRequest.Status.IN_REVIEW

    # then: the officer sees each service and why: rule (kind, impact) and geometry (layer)
    officer = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(officer)
    routing = officer.locator("#routing-title + div table").inner_text()
    assert "Service des eaux" in routing
    assert "Police du trafic" in routing
    assert "Routes et voirie" in routing
    assert "Parcs et promenades" in routing
    assert "Arbres protégés" in routing  # the layer the area touches

    # when: each service answers, the roads with the standard "night" condition
    for email in (demo.staff_email("eaux", "pully"), demo.staff_email("trafic", "pully")):
        _review(open_page(browser, live_server, email), axe, permit.pk)
    _review(open_page(browser, live_server, PARKS_REVIEWER), axe, permit.pk)
    roads = open_page(browser, live_server, demo.staff_email("routes", "pully"))
    _review(roads, axe, permit.pk, condition="Aucun travail bruyant")

    # and: the officer grants
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    officer.locator("input[name=decision][value=grant]").check()
    with officer.expect_navigation():
        officer.locator("#decision-title + form button[type=submit]").click()
    axe(officer)
    permit.refresh_from_db()
    assert permit.status == PermitRequest.Status.GRANTED
    assert "Aucun travail bruyant" in officer.locator("main").inner_text()

    # then: the applicant downloads the PDF; its QR/verification URL says valid
    applicant.goto(f"/pully/permits/{permit.pk}/")
    axe(applicant)
    with applicant.expect_download() as download_info:
        applicant.locator("a[download]").first.click()
    body = open(download_info.value.path(), "rb").read()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    url = re.search(r"https?://\S+/pully/works/verify/[^/\s]+/", text.replace("\n", "")).group(0)
    # (the works are planned a month ahead: not yet valid today, valid from their first day)
    verify = open_page(browser, live_server)
    verify.goto(url)
    axe(verify)
    assert "ce permis n'est pas encore valide" in verify.locator("main").inner_text().lower()
    first_day = dt.datetime.combine(permit.planned_start, dt.time(7), tzinfo=ZURICH)
    time_machine.move_to(first_day)
    verify.goto(url)
    assert "ce permis est valide du" in verify.locator("main").inner_text().lower()

    # when: on that day (the sessions of a month ago have expired: log in again), the applicant
    # declares the start, the end and the reinstatement with a photo
    log_in(applicant, APPLICANT)
    log_in(roads, demo.staff_email("routes", "pully"))
    applicant.goto(f"/pully/permits/{permit.pk}/")
    with applicant.expect_navigation():
        applicant.locator("form[action$='/works/start/'] button").click()
    axe(applicant)
    with applicant.expect_navigation():
        applicant.locator("form[action$='/works/end/'] button").click()
    axe(applicant)
    applicant.locator("form[action$='/works/reinstated/'] input[type=file]").set_input_files(
        {"name": "chaussee.png", "mimeType": "image/png", "buffer": PNG}
    )
    with applicant.expect_navigation():
        applicant.locator("form[action$='/works/reinstated/'] button").click()
    axe(applicant)
    permit.refresh_from_db()
    assert permit.status == PermitRequest.Status.REINSTATED

    # and: the roads service inspects and accepts
    roads.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(roads)
    roads.locator("#inspection-title + form input[value=accepted]").check()
    with roads.expect_navigation():
        roads.locator("#inspection-title + form button[type=submit]").click()
    axe(roads)

    # then: the file is closed, and the applicant sees it
    permit.refresh_from_db()
    assert permit.status == PermitRequest.Status.CLOSED
    applicant.goto(f"/pully/permits/{permit.pk}/")
    assert applicant.locator("[data-status]").get_attribute("data-status") == "closed"
