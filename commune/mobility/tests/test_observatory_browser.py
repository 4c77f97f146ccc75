"""The observatory in Chromium: the map draws, the filters refresh the results with htmx, and
the analyst's and the public pages pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from commune.accounts.models import Role

from .test_observatory import member, publish_all, write_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(page, staff_client, user, live_server):
    """Give the browser the session of a user who passed the second factor."""
    client = staff_client(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_analyst_observatory_draws_the_map_filters_with_htmx_and_is_accessible(
    page, axe, live_server, staff_client, town_a
):
    # given
    write_data(town_a)
    _logged_in(page, staff_client, member(town_a, Role.MOBILITY_ANALYST), live_server)
    # when
    response = page.goto("/pully/mobility/?start=2026-01-05&end=2026-02-15")
    # then: the page, its map (sites, zones, flows) and no WCAG 2.1 AA violation
    assert response.status == 200
    page.wait_for_selector("#observatory-map.leaflet-container path")
    assert page.locator("#observatory-map path.leaflet-interactive").count() > 12
    axe(page)
    # when: a filter is applied, the results are replaced in place (no page load)
    page.evaluate("window.__marker = 'kept'")
    page.select_option("#id_mode", "bicycle")
    page.locator("#observatory-filters button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#sites-title ~ .table-scroll tbody tr').length === 1"
    )
    # then
    assert page.evaluate("window.__marker") == "kept"
    assert "mode=bicycle" in page.url
    assert "Quai Milliquet" in page.locator("#observatory-results").inner_text()
    page.wait_for_selector("#observatory-map.leaflet-container")
    axe(page)


def test_the_date_boxes_show_the_period_in_force_in_a_swiss_french_browser(
    page, live_server, staff_client, town_a
):
    # given: data to 15 March 2026 (default period: the three calendar months up to there)
    write_data(town_a)
    _logged_in(page, staff_client, member(town_a, Role.MOBILITY_ANALYST), live_server)
    # when: the page opened without a filter, then with dates typed the Swiss way
    page.goto("/pully/mobility/")
    shown = (page.input_value("#id_start"), page.input_value("#id_end"))
    page.goto("/pully/mobility/?start=05.01.2026&end=15.02.2026")
    typed = (page.input_value("#id_start"), page.input_value("#id_end"))
    # then: the browser takes and shows both periods (it empties a box it cannot read)
    assert shown == ("2026-01-01", "2026-03-15")
    assert typed == ("2026-01-05", "2026-02-15")


def test_public_observatory_works_without_javascript_and_is_accessible(
    browser, live_server, town_a
):
    # given: two published weeks, and a visitor with JavaScript off
    from commune.core.browser import axe_violations

    write_data(town_a, days=14)
    publish_all(town_a)
    context = browser.new_context(base_url=live_server.url, locale="fr-CH")
    page = context.new_page()
    # when
    page.goto("/pully/mobility/open/")
    # then: the latest week is shown, and the page passes axe
    assert page.locator("h1").inner_text()
    assert page.locator("#id_period").input_value() == "2026-01-12"
    assert not axe_violations(page), axe_violations(page)
    context.close()
    nojs = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="fr-CH")
    page = nojs.new_page()
    page.goto("/pully/mobility/open/")
    # when: the visitor picks the other week in the list
    page.select_option("#id_period", "2026-01-05")
    with page.expect_navigation():
        page.locator("#observatory-filters button[type=submit]").click()
    # then: that week's tables, every site
    assert "period=2026-01-05" in page.url
    rows = page.locator("#sites-title ~ .table-scroll tbody tr")
    assert rows.count() == 8
    # and: a link leads to the next period, without JavaScript
    with page.expect_navigation():
        page.get_by_role("link", name="Période suivante").click()
    assert "period=2026-01-12" in page.url
    nojs.close()
