"""The departures page in Chromium: an imported timetable (the Cairns feed moved onto the town),
a stop found by name, and no WCAG 2.1 AA violation (axe-core)."""

from __future__ import annotations

import pytest

from commune.accounts.models import Role

from .test_gtfs_imports import imported, moved_onto, pier_departures_by_hand
from .test_import_views import member
from .test_observatory_browser import _logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_departures_of_a_stop_are_found_by_name_and_the_page_is_accessible(
    page, axe, live_server, staff_client, town_a, tmp_path
):
    # given two service days of the timetable imported
    feed = moved_onto(town_a, tmp_path / "horaire.zip")
    assert imported(town_a, feed, service_date="2014-06-10").status == "done"
    assert imported(town_a, feed, service_date="2014-06-14").status == "done"
    _logged_in(page, staff_client, member(town_a, Role.MOBILITY_ANALYST), live_server)
    # when the analyst opens the page, picks Tuesday and searches the Pier
    response = page.goto(f"{live_server.url}/pully/mobility/departures/")
    assert response.status == 200
    axe(page)
    page.select_option("#departures-date", "2014-06-10")
    page.fill("#departures-stop", "pier")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**date=2014-06-10**")
    # then the Pier's row gives the day's departures worked out from the files
    row = page.locator("#departures-table tbody tr", has_text="750449")
    expected = pier_departures_by_hand({"CNS2014-CNS_MUL-Weekday-00"})
    assert row.locator("td").first.inner_text() == str(expected)
    axe(page)
