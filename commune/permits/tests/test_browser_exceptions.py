"""In Chromium, with axe-core on every page: a routine request granted with no human step, a
conflict shown to the officer with its map and list, and a complement that pauses the clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from commune.accounts.models import Organisation, User
from commune.permits import deadlines
from commune.permits.models import ComplementRequest, PermitRequest, ReviewTask
from commune.permits.services import submission
from commune.permits.services.geometry import AreaSpec
from commune.tenants import demo, scoping

from .browser import APPLICANT, draw_area, fill_request, open_page, start_in, submit_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ring(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _draw_and_submit(page, axe, ring, **fields) -> PermitRequest:
    page.goto("/pully/permits/new/")
    draw_area(page, ring)
    fill_request(page, **fields)
    submit_request(page)
    axe(page)
    return PermitRequest.objects.exclude(status="draft").order_by("-pk").first()


def _other_works(town, ring, *, start: dt.date, days: int) -> PermitRequest:
    """A request by another company, already submitted and in review."""
    luc = User.objects.get(email="chantiers@romande-energie.example.ch")
    polygon = Polygon([*ring, ring[0]], srid=2056)
    permit = submission.permit_draft_save(
        municipality=town,
        applicant=luc,
        data={
            "organisation": Organisation.objects.get(uid="CHE-100.000.001"),
            "site_manager_name": "Luc Favre",
            "site_manager_phone": "+41 79 555 00 00",
            "invoice_address": "Case postale, 1001 Lausanne",
            "kind": "electricity",
            "description": "Pose d'un câble",
            "planned_start": start,
            "planned_end": start + dt.timedelta(days=days),
            "road_closure": "one_lane",
        },
        areas=[AreaSpec(drawn=polygon, width_m=None, polygon=polygon)],
    )
    return submission.permit_submit(permit=permit, applicant=luc, now=timezone.now())


def test_a_routine_request_is_granted_without_a_human_step(browser, live_server, axe, pully):
    # given: a small telecom connection, no closure, far from every layer and other works
    x, y = pully.territory.point_on_surface.coords
    applicant = open_page(browser, live_server, APPLICANT)

    # when: the applicant draws it and submits
    with scoping.scope(pully):
        permit = _draw_and_submit(
            applicant,
            axe,
            _ring(x - 300, y - 300, 3, 2),
            kind="telecom",
            description="Raccordement fibre d'une maison",
            start=start_in(30),
            days=2,
        )

    # then: the page they land on says granted, without a human step; nobody reviewed it
    assert permit.status == PermitRequest.Status.GRANTED
    assert permit.is_routine
    assert permit.decided_by is None
    assert applicant.locator("[data-status]").get_attribute("data-status") == "granted"
    assert applicant.locator(".badge.ok").count() == 1
    # the permit and, as fees are due, the invoice can be downloaded
    downloads = applicant.locator("a[download]")
    assert [downloads.nth(i).get_attribute("href").rsplit("/", 1)[1] for i in range(2)] == [
        "permit.pdf",
        "invoice.pdf",
    ]
    assert downloads.count() == 2 and permit.fee_total
    with scoping.scope(pully):
        assert not ReviewTask.objects.filter(permit=permit).exists()


def test_a_conflict_is_flagged_to_the_officer_with_its_map(browser, live_server, axe, pully):
    # given: another company's works in review, 20 m away, at the same dates
    x, y = pully.territory.point_on_surface.coords
    with scoping.scope(pully):
        other = _other_works(pully, _ring(x - 200, y + 100, 8, 2), start=start_in(30), days=10)
    applicant = open_page(browser, live_server, APPLICANT)

    # when: the applicant draws an area near by and submits
    with scoping.scope(pully):
        permit = _draw_and_submit(
            applicant,
            axe,
            _ring(x - 180, y + 100, 3, 2),
            kind="telecom",
            description="Raccordement fibre",
            start=start_in(32),
            days=3,
        )

    # then: not routine; the officer's file lists the other works and maps both areas
    assert permit.status == PermitRequest.Status.IN_REVIEW
    officer = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(officer)
    conflicts = officer.locator("section[aria-labelledby=conflicts-title]")
    assert other.reference in conflicts.inner_text()
    assert conflicts.get_by_role("link", name=other.reference).count() == 1
    officer.wait_for_function(
        "() => document.querySelectorAll('#permit-map .leaflet-overlay-pane path').length >= 2"
    )
    kinds = officer.evaluate(
        "JSON.parse(document.getElementById('permit-map').dataset.findings)"
        ".features.map(f => f.properties.kind)"
    )
    assert "conflict" in kinds  # the other works' area is drawn beside this request's
    # and: the queue marks the file as an exception
    officer.goto("/pully/permits/staff/?view=exceptions")
    axe(officer)
    assert officer.get_by_role("link", name=permit.reference).count() == 1
    # and: the workspace's map and statistics list both files
    with officer.expect_navigation():
        officer.locator("a[href='/pully/permits/staff/map/']").click()
    axe(officer)
    files = officer.locator("main table").inner_text()
    assert permit.reference in files and other.reference in files
    officer.goto("/pully/permits/staff/stats/")
    axe(officer)


def _due_dates(page) -> dict[str, str]:
    items = page.locator("ul.reviews li")
    return {
        items.nth(i).get_attribute("data-clock"): items.nth(i)
        .locator("time")
        .get_attribute("datetime")
        for i in range(items.count())
    }


@pytest.mark.clock
def test_a_complement_request_pauses_the_clocks(browser, live_server, axe, pully, time_machine):
    # given: water works in review by the water service
    x, y = pully.territory.point_on_surface.coords
    applicant = open_page(browser, live_server, APPLICANT)
    with scoping.scope(pully):
        permit = _draw_and_submit(
            applicant,
            axe,
            _ring(x - 250, y - 250, 4, 2),
            kind="water",
            description="Réparation d'une fuite",
            start=start_in(40),
            days=3,
        )
        task = permit.tasks.get()
    due = task.due_date
    assert _due_dates(applicant) == {"running": due.isoformat()}

    # when: the officer asks for the traffic plan
    officer = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    officer.locator("#complement-title + form textarea").fill("Joindre le plan de signalisation.")
    with officer.expect_navigation():
        officer.locator("#complement-title + form button[type=submit]").click()
    axe(officer)

    # then: the applicant sees the clock paused, the due date unchanged
    applicant.reload()
    axe(applicant)
    assert _due_dates(applicant) == {"paused": due.isoformat()}

    # when: a week passes (the town's calendar: asked on its day, answered at noon a week on),
    # then the applicant answers
    with scoping.scope(pully):
        asked = timezone.localdate(ComplementRequest.objects.get(permit=permit).asked_at)
    answered = asked + dt.timedelta(days=7)
    time_machine.move_to(timezone.make_aware(dt.datetime.combine(answered, dt.time(12))))
    applicant.locator("#complement-title ~ form textarea").fill("Plan joint.")
    with applicant.expect_navigation():
        applicant.locator("#complement-title ~ form button[type=submit]").click()
    axe(applicant)

    # then: the clock runs again and the due date moved by the working days paused
    paused = deadlines.working_days_between(asked, answered, pully.canton)
    assert paused > 0
    moved = deadlines.add_working_days(due, paused, pully.canton)
    assert _due_dates(applicant) == {"running": moved.isoformat()}
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    assert moved.strftime("%d.%m.%Y") in officer.locator("#routing-title + div").inner_text()
