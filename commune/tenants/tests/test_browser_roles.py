"""Every demo role logs in through the real forms (password, then second factor) in Chromium,
reaches its own town's pages, is refused in the neighbour town, and every page it visits
passes axe-core (WCAG 2.1 AA)."""

import pytest

from commune.accounts import demo as accounts_demo
from commune.core.browser import totp_now
from commune.tenants import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# demo account prefix -> the staff pages that role works on (relative to /<town>/)
ROLE_PAGES = {
    "admin": ["manage/", "permits/staff/"],
    "permis": ["permits/staff/"],
    "routes": ["permits/staff/"],
    "eaux": ["permits/staff/"],
    "trafic": ["permits/staff/"],
    "agenda": [],
    "mobilite": ["mobility/", "mobility/imports/", "mobility/evaluations/"],
}


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").or_(page.get_by_label("Password")).first.fill(
        accounts_demo.DEMO_PASSWORD
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/**")
    page.locator("input[name=code]").fill(totp_now(accounts_demo.DEMO_TOTP_KEY))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/2fa/" not in url)


@pytest.fixture
def demo_towns(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    return towns


@pytest.mark.parametrize("prefix", list(ROLE_PAGES))
def test_each_demo_role_sees_only_its_own_town(page, axe, demo_towns, prefix):
    # when: the Pully account logs in
    _log_in(page, demo.staff_email(prefix, "pully"))
    # then: its dashboard lists Pully and nothing of Lutry
    page.goto("/accounts/")
    dashboard = page.locator("main").inner_text()
    assert "Pully" in dashboard
    assert "Lutry" not in dashboard
    axe(page)
    for path in ROLE_PAGES[prefix]:
        response = page.goto(f"/pully/{path}")
        assert response.status == 200, f"/pully/{path} -> {response.status}"
        assert "lutry" not in page.locator("main").inner_text().lower()
        axe(page)
        refused = page.goto(f"/lutry/{path}")
        assert refused.status in (403, 404), f"/lutry/{path} -> {refused.status}"
        axe(page)
    page.goto("/pully/")
    axe(page)


def test_platform_admin_reaches_the_platform_administration(page, axe, demo_towns):
    _log_in(page, "platform@commune.example.ch")
    response = page.goto("/admin/")
    assert response.status == 200
    assert page.locator("#site-name").is_visible()
