"""The officer's decisions that close a loop (issue 8, decision 0011), in Chromium with axe-core
on every page: a grant while services still review (only with a reason; their tasks leave
"Mes tâches" and they are mailed); a complement past its deadline closed as abandoned; an
early declaration of the works' start refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Polygon
from django.utils import timezone

from commune.accounts.models import Organisation, OrganisationMember, User
from commune.permits.models import ComplementRequest, PermitRequest, ReviewTask
from commune.permits.services import submission
from commune.permits.services.geometry import AreaSpec
from commune.permits.tests.public_helpers import work
from commune.tenants import demo, scoping

from .browser import APPLICANT, open_page, start_in

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]
Status = PermitRequest.Status
OFFICER = demo.staff_email("permis", "pully")
POLICE = demo.staff_email("trafic", "pully")  # the traffic police's reviewer (demo)
REASON = "Fuite urgente : la police a été consultée par téléphone."


def _ring(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _submitted(town, ring, *, start: dt.date, days: int) -> PermitRequest:
    """The applicant's request closing the road fully (in review, never routine)."""
    user = User.objects.get(email=APPLICANT)
    org = Organisation.objects.get(
        pk=OrganisationMember.objects.filter(user=user)[0].organisation_id
    )
    polygon = Polygon([*ring, ring[0]], srid=2056)
    permit = submission.permit_draft_save(
        municipality=town,
        applicant=user,
        data={
            "organisation": org,
            "site_manager_name": "Paulo Ferreira",
            "site_manager_phone": "+41 79 555 00 00",
            "invoice_address": "Case postale, 1001 Lausanne",
            "kind": "water",
            "description": "Remplacement d'une conduite",
            "planned_start": start,
            "planned_end": start + dt.timedelta(days=days),
            "road_closure": "full",
        },
        areas=[AreaSpec(drawn=polygon, width_m=None, polygon=polygon)],
    )
    return submission.permit_submit(permit=permit, applicant=user, now=timezone.now())


def _status(town, permit) -> str:
    with scoping.scope(town):
        return PermitRequest.objects.get(pk=permit.pk).status


def _my_tasks(page) -> str:
    page.goto("/pully/permits/staff/?view=mine")
    return page.locator("main").inner_text()


def test_a_grant_with_open_reviews_needs_a_reason_and_tells_the_services(
    browser, live_server, axe, pully, smtp_server
):
    # given: a full closure in review, the traffic police among the services not answered yet
    x, y = pully.territory.point_on_surface.coords
    with scoping.scope(pully):
        permit = _submitted(pully, _ring(x - 450, y - 150, 6, 3), start=start_in(30), days=5)
        open_tasks = {
            t.department.code: t.pk
            for t in permit.tasks.filter(status=ReviewTask.Status.OPEN).select_related("department")
        }
    assert "traffic" in open_tasks and len(open_tasks) >= 2, open_tasks
    police = open_page(browser, live_server, POLICE)
    assert permit.reference in _my_tasks(police)
    axe(police)
    mails_before = len(smtp_server.messages)

    # when: the officer grants it without saying why
    officer = open_page(browser, live_server, OFFICER)
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(officer)
    assert "Ces services n'ont pas encore répondu" in officer.locator("main").inner_text()
    form = officer.locator("#decision-title ~ form").first
    form.locator("input[name=decision][value=grant]").check()
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    axe(officer)

    # then: the page says why in French, and nothing changed
    said = officer.locator("main").inner_text()
    assert "Police du trafic" in said
    assert "n'ont pas encore donné leur préavis : indiquez pourquoi vous décidez sans" in said
    assert _status(pully, permit) == Status.IN_REVIEW
    told = [smtp_server.text_of(m) for m in smtp_server.messages[mails_before:]]
    assert not [text for text in told if "sans le préavis de votre service" in text]
    with scoping.scope(pully):
        assert set(
            ReviewTask.objects.filter(pk__in=open_tasks.values()).values_list("status", flat=True)
        ) == {ReviewTask.Status.OPEN}

    # when: the officer grants it saying why
    form = officer.locator("#decision-title ~ form").first
    form.locator("input[name=decision][value=grant]").check()
    form.locator("textarea[name=override_reason]").fill(REASON)
    with officer.expect_navigation():
        form.locator("button[type=submit]").click()
    axe(officer)

    # then: granted; the open reviews are closed, the history keeps the reason
    assert _status(pully, permit) == Status.GRANTED
    with scoping.scope(pully):
        assert set(
            ReviewTask.objects.filter(pk__in=open_tasks.values()).values_list("status", flat=True)
        ) == {ReviewTask.Status.SUPERSEDED}
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(officer)
    assert REASON in officer.locator("main").inner_text()
    # the police's task list no longer shows the file
    assert permit.reference not in _my_tasks(police)
    axe(police)
    # and the police were mailed, with the reason
    to_police = []
    for _ in range(3):
        messages = smtp_server.wait_for(mails_before + len(open_tasks) + 1)[mails_before:]
        to_police = [m for m in messages if m["To"] == POLICE]
        if to_police:
            break
    assert len(to_police) == 1
    text = smtp_server.text_of(to_police[0])
    assert f"La demande {permit.reference} a été tranchée sans le préavis de votre service" in text
    assert REASON in text


def test_a_complement_past_its_deadline_is_closed_as_abandoned(
    browser, live_server, axe, pully, time_machine
):
    # given: a request in review; the officer asks for a complement
    x, y = pully.territory.point_on_surface.coords
    with scoping.scope(pully):
        permit = _submitted(pully, _ring(x - 450, y + 150, 6, 3), start=start_in(60), days=5)
    officer = open_page(browser, live_server, OFFICER)
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    officer.locator("#complement-title + form textarea").fill("Joindre le plan de signalisation.")
    with officer.expect_navigation():
        officer.locator("#complement-title + form button[type=submit]").click()
    axe(officer)
    with scoping.scope(pully):
        due = ComplementRequest.objects.get(permit=permit).due_date
    assert due is not None
    main = officer.locator("main").inner_text()
    assert "Complément demandé, à fournir au plus tard le" in main
    assert "Le délai du complément est échu" not in main
    assert officer.locator("section[aria-labelledby=waiting-title] .notice").count() == 0

    # when: the day after the deadline comes, with no answer (the officer logs in again)
    time_machine.move_to(
        timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)))
    )
    officer = open_page(browser, live_server, OFFICER)
    officer.goto(f"/pully/permits/staff/{permit.pk}/")
    axe(officer)
    abandon = officer.locator("section[aria-labelledby=abandon-title]")
    deadline_notice = officer.locator("section[aria-labelledby=waiting-title] .notice")

    # then: the officer's page says the deadline is past and offers to close the file
    assert deadline_notice.count() == 1
    notice = deadline_notice.inner_text()
    assert "Le délai du complément est échu" in notice
    assert "classer le dossier sans suite" in notice
    assert abandon.count() == 1
    assert "Classer le dossier sans suite" in abandon.inner_text()

    # when: the officer closes it with a reason
    reason = "Le plan de signalisation n'a pas été fourni dans le délai."
    abandon.locator("textarea").fill(reason)
    with officer.expect_navigation():
        abandon.locator("button[type=submit]").click()
    axe(officer)

    # then: the file is closed; the applicant reads the reason on their page
    assert _status(pully, permit) == Status.ABANDONED
    applicant = open_page(browser, live_server, APPLICANT)
    applicant.goto(f"/pully/permits/{permit.pk}/")
    axe(applicant)
    assert applicant.locator("[data-status]").get_attribute("data-status") == "abandoned"
    assert reason in applicant.locator("main").inner_text()


def test_an_early_start_of_the_works_is_refused(browser, live_server, axe, pully):
    # given: the applicant's permit, granted, valid from a fortnight on
    user = User.objects.get(email=APPLICANT)
    first_day = timezone.localdate() + dt.timedelta(days=14)
    with scoping.scope(pully):
        org = Organisation.objects.get(
            pk=OrganisationMember.objects.filter(user=user)[0].organisation_id
        )
        permit = work(
            pully, status=Status.GRANTED, start=first_day, applicant=user, organisation=org
        )
    applicant = open_page(browser, live_server, APPLICANT)
    applicant.goto(f"/pully/permits/{permit.pk}/")
    axe(applicant)
    assert applicant.locator(".messages").count() == 0

    # when: the applicant declares the start today
    with applicant.expect_navigation():
        applicant.locator("form[action$='/works/start/'] button[type=submit]").click()
    axe(applicant)

    # then: a French error says from when the works may start; nothing is recorded
    said = applicant.locator(".messages .message").all_inner_texts()
    assert len(said) == 1 and said[0].startswith(
        f"Les travaux peuvent commencer dès le {first_day.day}"
    ), said
    with scoping.scope(pully):
        permit.refresh_from_db()
    assert permit.status == Status.GRANTED
    assert permit.works_started_at is None
