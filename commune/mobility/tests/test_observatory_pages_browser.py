"""A town with many sites in Chromium, JavaScript off: the analyst types sites' ids and pages
through the sites with links that keep the filter; each page passes axe-core (run in a
context with JavaScript, which axe needs)."""

from __future__ import annotations

import pytest

from commune.accounts.models import Role
from commune.mobility import forms_observatory
from commune.mobility.presentation import tables

from .test_observatory import member, write_data
from .test_observatory_browser import _logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_pages_through_the_sites_without_javascript(
    browser, axe, live_server, staff_client, town_a, monkeypatch
):
    # given: the demo's 8 sites count as many (pages of 3, typed ids beyond 5)
    monkeypatch.setattr(tables, "SITES_PER_PAGE", 3)
    monkeypatch.setattr(forms_observatory, "SITE_LIST_MAX", 5)
    write_data(town_a)
    user = member(town_a, Role.MOBILITY_ANALYST)
    checker = browser.new_context(base_url=live_server.url, locale="fr-CH")
    shown = checker.new_page()
    _logged_in(shown, staff_client, user, live_server)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-CH"
    )
    page = context.new_page()
    _logged_in(page, staff_client, user, live_server)
    page.goto("/pully/mobility/?start=2026-01-05&end=2026-02-15")
    sites = page.locator("#sites-title ~ .table-scroll tbody tr")
    # then: the first three sites and where they stand
    assert sites.count() == 3
    assert "Sites 1 à 3 sur 8" in page.locator("main").inner_text()
    # when: the next page, by its link
    with page.expect_navigation():
        page.get_by_role("link", name="Sites suivants").click()
    # then: the next three, the period kept, and the page passes axe
    assert "start=2026-01-05" in page.url and "sites_page=2" in page.url
    assert sites.count() == 3
    assert "Page 2 sur 3" in page.locator("main").inner_text()
    shown.goto(page.url)
    axe(shown)
    # when: two sites typed in the filter's box and the form sent
    page.fill("#id_site", "P02, P07")
    with page.expect_navigation():
        page.locator("#observatory-filters button[type=submit]").click()
    # then: those two, no pages
    assert sites.count() == 2
    assert page.get_by_role("link", name="Sites suivants").count() == 0
    shown.goto(page.url)
    axe(shown)
    context.close()
    checker.close()
