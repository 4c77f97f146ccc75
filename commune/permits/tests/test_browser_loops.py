"""The loops closed (issue 8), in Chromium with axe-core on every page: a conflict seen on both
files and gone after the withdrawal of one (confirmed first); an emergency on the public map
at once; defects → repair deadline → re-inspection → guarantee end → deposit refund proposed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from commune.accounts.models import Organisation, OrganisationMember, User
from commune.billing.models import Deposit
from commune.billing.services.deposits import deposit_hold
from commune.permits.models import PermitRequest
from commune.permits.services import submission
from commune.permits.services.geometry import AreaSpec
from commune.permits.tasks import permit_clocks_tick
from commune.permits.tests.public_helpers import work
from commune.tenants import demo, scoping

from .browser import APPLICANT, draw_area, fill_request, open_page, start_in, submit_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = PermitRequest.Status

# The smallest valid PNG: a 1×1 pixel, enough for the content check.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _ring(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _submitted(town, email: str, ring, *, start: dt.date, days: int) -> PermitRequest:
    """A request of `email`'s company, submitted through the services (a full closure: in
    review, never routine)."""
    user = User.objects.get(email=email)
    membership = OrganisationMember.objects.filter(user=user)[0]
    org = Organisation.objects.get(pk=membership.organisation_id)
    polygon = Polygon([*ring, ring[0]], srid=2056)
    permit = submission.permit_draft_save(
        municipality=town,
        applicant=user,
        data={
            "organisation": org,
            "site_manager_name": "Paulo Ferreira",
            "site_manager_phone": "+41 79 555 00 00",
            "invoice_address": "Case postale, 1001 Lausanne",
            "kind": "electricity",
            "description": "Pose d'un câble",
            "planned_start": start,
            "planned_end": start + dt.timedelta(days=days),
            "road_closure": "full",
        },
        areas=[AreaSpec(drawn=polygon, width_m=None, polygon=polygon)],
    )
    return submission.permit_submit(permit=permit, applicant=user, now=timezone.now())


def _conflicts_listed(page) -> str:
    section = page.locator("section[aria-labelledby=conflicts-title]")
    return section.inner_text() if section.count() else ""


def test_a_conflict_is_seen_on_both_files_and_gone_after_a_withdrawal(
    browser, live_server, axe, pully
):
    # given: another company's works in review, then the applicant's 20 m away at the same time
    x, y = pully.territory.point_on_surface.coords
    with scoping.scope(pully):
        other = _submitted(
            pully,
            "chantiers@romande-energie.example.ch",
            _ring(x - 400, y + 300, 8, 2),
            start=start_in(30),
            days=10,
        )
        mine = _submitted(
            pully, APPLICANT, _ring(x - 380, y + 300, 3, 2), start=start_in(32), days=3
        )

    # then: the officer reads the conflict on both files, and on the map's list
    officer = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    officer.goto(f"/pully/permits/staff/{other.pk}/")
    axe(officer)
    assert mine.reference in _conflicts_listed(officer)
    officer.goto(f"/pully/permits/staff/{mine.pk}/")
    axe(officer)
    assert other.reference in _conflicts_listed(officer)
    officer.goto("/pully/permits/staff/map/")
    axe(officer)
    rows = officer.locator("main table tbody tr")
    row = rows.filter(has=officer.get_by_role("link", name=other.reference))
    assert mine.reference in row.inner_text()

    # when: the applicant withdraws their request, confirming on the page that asks
    applicant = open_page(browser, live_server, APPLICANT)
    applicant.goto(f"/pully/permits/{mine.pk}/")
    axe(applicant)
    applicant.get_by_role("link", name="Retirer la demande…").click()
    applicant.wait_for_url(f"**/pully/permits/{mine.pk}/withdraw/")
    axe(applicant)
    with scoping.scope(pully):
        assert PermitRequest.objects.get(pk=mine.pk).status == Status.IN_REVIEW
    applicant.get_by_role("button", name="Oui, retirer la demande").click()
    applicant.wait_for_url(f"**/pully/permits/{mine.pk}/")
    axe(applicant)
    assert applicant.locator("[data-status]").get_attribute("data-status") == "withdrawn"

    # then: the other file no longer shows the conflict
    officer.goto(f"/pully/permits/staff/{other.pk}/")
    axe(officer)
    assert _conflicts_listed(officer) == ""


def test_an_emergency_is_on_the_public_map_at_once(browser, live_server, axe, pully):
    # given: a burst pipe; the applicant files the emergency the day it is dug
    x, y = pully.territory.point_on_surface.coords
    applicant = open_page(browser, live_server, APPLICANT)
    applicant.goto("/pully/permits/new/")
    draw_area(applicant, _ring(x - 350, y - 350, 4, 3))
    fill_request(
        applicant,
        kind="water",
        description="Fuite sur la conduite principale",
        start=timezone.localdate(),
        days=2,
    )
    applicant.locator("input[name=is_emergency]").check()
    submit_request(applicant)
    axe(applicant)
    with scoping.scope(pully):
        permit = PermitRequest.objects.exclude(status="draft").order_by("-pk").first()
    assert permit.is_emergency and permit.status == Status.IN_REVIEW

    # then: the public sees it at once on the works map, marked as an emergency
    public = open_page(browser, live_server)
    public.goto("/pully/works/")
    axe(public)
    row = public.locator("main table tbody tr").filter(has_text=permit.reference)
    assert row.count() == 1 and "Urgence" in row.inner_text()
    # and: on the map itself (the GeoJSON's features drawn by Leaflet), as an emergency
    public.wait_for_function("() => document.getElementById('works-map').dataset.worksLoaded")
    drawn = public.evaluate(
        "() => Object.values(document.getElementById('works-map').leafletMap._layers)"
        ".filter(l => l.feature).map(l => [l.feature.properties.reference,"
        " l.feature.properties.emergency])"
    )
    assert [permit.reference, True] in drawn

    # and: the applicant declares the start of the works before the decision
    emergency = applicant.locator("section[aria-labelledby=emergency-title]")
    assert "À régulariser d'ici au" in applicant.locator("main").inner_text()
    with applicant.expect_navigation():
        emergency.get_by_role("button", name="Annoncer le début des travaux").click()
    axe(applicant)
    with scoping.scope(pully):
        permit.refresh_from_db()
    assert permit.works_started_at is not None and permit.status == Status.IN_REVIEW


@pytest.mark.clock
def test_defects_are_repaired_and_the_deposit_refund_proposed_at_the_guarantee_end(
    browser, live_server, axe, pully
):
    # given: the applicant's street restored, its deposit held by finance
    applicant_user = User.objects.get(email=APPLICANT)
    with scoping.scope(pully):
        org = Organisation.objects.get(
            pk=OrganisationMember.objects.filter(user=applicant_user)[0].organisation_id
        )
        permit = work(
            pully,
            status=Status.REINSTATED,
            start=timezone.localdate() - dt.timedelta(days=20),
            applicant=applicant_user,
            organisation=org,
        )
        deposit_hold(
            municipality=pully,
            source_kind="permit",
            source_id=permit.pk,
            source_label=permit.reference,
            amount=Decimal("500.00"),
            held_since=timezone.localdate() - dt.timedelta(days=30),
        )
    fix_by = timezone.localdate() + dt.timedelta(days=14)

    # when: the roads service finds defects, to fix within two weeks
    roads = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    roads.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(roads)
    form = roads.locator("#inspection-title + form")
    form.locator("input[value=defects]").check()
    form.locator("textarea[name=notes]").fill("Joint ouvert devant le n° 12")
    form.locator("input[name=fix_by]").fill(fix_by.isoformat())
    with roads.expect_navigation():
        form.locator("button[type=submit]").click()
    axe(roads)
    with scoping.scope(pully):
        permit.refresh_from_db()
    assert permit.status == Status.INSPECTED_DEFECTS

    # then: the applicant reads the defects and the deadline, and declares the repairs
    applicant = open_page(browser, live_server, APPLICANT)
    applicant.goto(f"/pully/permits/{permit.pk}/")
    axe(applicant)
    inspections = applicant.locator("section[aria-labelledby=inspections-title]").inner_text()
    assert "Joint ouvert devant le n° 12" in inspections and "À réparer d'ici au" in inspections
    applicant.locator("form[action$='/works/reinstated/'] input[type=file]").set_input_files(
        {"name": "joint.png", "mimeType": "image/png", "buffer": PNG}
    )
    with applicant.expect_navigation():
        applicant.locator("form[action$='/works/reinstated/'] button").click()
    axe(applicant)

    # when: the roads service inspects again and accepts
    roads.goto(f"/pully/permits/staff/{permit.pk}/")
    form = roads.locator("#inspection-title + form")
    form.locator("input[value=accepted]").check()
    with roads.expect_navigation():
        form.locator("button[type=submit]").click()
    axe(roads)
    with scoping.scope(pully):
        permit.refresh_from_db()
        assert permit.status == Status.CLOSED
        assert not permit.inspections.filter(result="defects", resolved_at__isnull=True).exists()

    # and: the hourly job runs the day after the guarantee's last day
    after = timezone.make_aware(
        dt.datetime.combine(permit.guarantee_until + dt.timedelta(days=1), dt.time(8))
    )
    totals = permit_clocks_tick.call(now=after.isoformat())
    assert totals["guarantee_ended"] == 1

    # then: the deposit's refund is proposed to finance, and the applicant's page says so
    with scoping.scope(pully):
        deposit = Deposit.objects.get(source_kind="permit", source_id=permit.pk)
    assert deposit.status == Deposit.Status.REFUND_PROPOSED
    applicant.goto(f"/pully/permits/{permit.pk}/")
    axe(applicant)
    text = applicant.locator("section[aria-labelledby=inspections-title]").inner_text()
    assert "le remboursement de la garantie est proposé" in text
