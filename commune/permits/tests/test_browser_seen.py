"""In Chromium, with axe-core: the applicant reads why a person decides and by when, and the
officer corrects the road category from the file page and is told it is done (issue 8)."""

from __future__ import annotations

import pytest

from commune.accounts.models import User
from commune.permits.models import PermitRequest
from commune.permits.tests.factories import ReviewTaskFactory, draft
from commune.tenants import demo, scoping
from commune.tenants.models import Department

from .browser import APPLICANT, open_page, start_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock]


def test_the_applicant_reads_the_outlook_and_the_officer_corrects_the_category(
    browser, live_server, axe, pully
):
    # given a full closure under review by the roads, due in 10 days
    with scoping.scope(pully):
        permit = draft(
            pully,
            applicant=User.objects.get(email=APPLICANT),
            road_closure="full",
            diversion="Par l'avenue de Lavaux",
            road_category="collector",
            status=PermitRequest.Status.IN_REVIEW,
            reference="PLY-2026-0301",
            planned_start=start_in(30),
            planned_end=start_in(34),
        )
        due = start_in(10)
        ReviewTaskFactory(
            municipality=pully,
            permit=permit,
            department=Department.objects.get(code="roads"),
            due_date=due,
        )

    # the applicant reads why a person decides, and by when
    applicant = open_page(browser, live_server, APPLICANT)
    applicant.goto(f"/pully/permits/{permit.pk}/")
    outlook = applicant.locator("section[aria-labelledby=outlook-title]")
    assert "certains services n'ont pas encore répondu" in outlook.inner_text()
    assert f"{due.day}" in outlook.locator("[data-field=decision-due]").inner_text()
    axe(applicant)

    # the officer corrects the road category with a reason, and is told it is done
    officer = open_page(browser, live_server, demo.staff_email("permis", "pully"))
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    assert "Par l'avenue de Lavaux" in officer.locator("[data-field=diversion]").inner_text()
    form = officer.locator("section[aria-labelledby=category-title]")
    form.get_by_label("Catégorie de route").select_option("main")
    form.get_by_label("Pourquoi la catégorie est corrigée").fill("Route cantonale en traversée.")
    form.get_by_role("button", name="Corriger la catégorie").click()
    officer.get_by_text("La catégorie de route est corrigée").wait_for()
    assert "Route principale" in officer.locator("[data-field=road-category]").inner_text()
    axe(officer)
    with scoping.scope(pully):
        permit.refresh_from_db()
        assert permit.road_category == "main"
