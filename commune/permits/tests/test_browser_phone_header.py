"""On a 375 px phone, in Chromium with axe-core (issue 8): the header and its menus fit the
screen (no page wider than the window), the town's menu folds into a disclosure that opens
without JavaScript, and every link or button of the header is a 44 px target — on the
officer's queue and file, and on the applicant's list and request."""

from __future__ import annotations

import pytest

from commune.accounts.models import User
from commune.permits.models import PermitRequest
from commune.permits.tests.factories import draft
from commune.tenants import demo, scoping

from .browser import APPLICANT, open_page, start_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock]

PHONE = {"width": 375, "height": 740}

#: Every target of the header a finger may tap, visible now.
TARGETS = """() => [...document.querySelectorAll(
  '.site-header a, .site-header button, .site-header select, .site-header summary')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => { const r = el.getBoundingClientRect();
    return {name: (el.innerText || el.value || el.tagName).trim(), w: r.width, h: r.height,
            right: r.right}; })"""


def _fits(page) -> None:
    """Nothing wider than the window, every header target at least 44 x 44 px inside it."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[1], (page.url, widths)
    small = [t for t in page.evaluate(TARGETS) if t["h"] < 44 or t["w"] < 44]
    assert not small, (page.url, small)
    outside = [t for t in page.evaluate(TARGETS) if t["right"] > widths[1] + 0.5]
    assert not outside, (page.url, outside)


def _menu_opens_without_script(page) -> None:
    """The town's menu is folded on a phone and its summary opens it, no script needed."""
    menu = page.locator(".site-header details.menu")
    queue_link = menu.locator(".town-nav a").first
    assert not queue_link.is_visible()
    menu.locator("summary").click()
    assert queue_link.is_visible()
    _fits(page)
    menu.locator("summary").click()


@pytest.fixture
def permit(pully):
    with scoping.scope(pully):
        applicant = User.objects.get(email=APPLICANT)
        return draft(  # her company's file: its page offers to follow it (axe reads that too)
            pully,
            applicant=applicant,
            organisation=applicant.organisations.get(),
            status=PermitRequest.Status.IN_REVIEW,
            reference="PLY-2026-0375",
            planned_start=start_in(30),
            planned_end=start_in(34),
        )


def _without_script(browser, live_server, page):
    """The same person, logged in, in a context that runs no JavaScript."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CH",
        viewport=PHONE,
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context.new_page()


def test_the_officers_pages_fit_a_phone(browser, live_server, axe, pully, permit):
    page = open_page(browser, live_server, demo.staff_email("permis", "pully"), viewport=PHONE)
    no_script = _without_script(browser, live_server, page)
    for path in ("/pully/permits/staff/", f"/pully/permits/staff/{permit.pk}/"):
        page.goto(path)
        _fits(page)
        axe(page)
        no_script.goto(path)
        _fits(no_script)
        _menu_opens_without_script(no_script)
    no_script.context.close()


def test_the_applicants_pages_fit_a_phone(browser, live_server, axe, pully, permit):
    page = open_page(browser, live_server, APPLICANT, viewport=PHONE)
    for path in ("/pully/permits/", f"/pully/permits/{permit.pk}/", "/pully/"):
        page.goto(path)
        _fits(page)
        axe(page)
    no_script = _without_script(browser, live_server, page)
    no_script.goto(f"/pully/permits/{permit.pk}/")
    assert no_script.locator("[data-follow=yes]").is_visible()
    _menu_opens_without_script(no_script)
    no_script.context.close()
