"""The vendor feeds' pages in Chromium, in French and in German, JavaScript off for the forms:
an analyst adds a feed (a bad address first: the error in the reader's language), changes it,
pulls it now from a real server on 127.0.0.1, and reads a failing feed's state; every page
passes axe-core (run in a context with JavaScript, which axe needs, on the same URL)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from commune.accounts.models import Role
from commune.mobility.models import VendorFeed
from commune.tenants.scoping import scope

from .factories import VendorFeedFactory
from .test_observatory import member
from .test_observatory_browser import _logged_in
from .vendor_server import VendorServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = b"site_id,timestamp,count\nA1,2026-03-17T08:00:00+01:00,12\n"


def _words(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "title": _("Vendor feeds"),
            "none": _("No feed yet."),
            "add": _("Add a feed"),
            "save": _("Save"),
            "https": _("The address must start with https://."),
            "pull": _("Pull now"),
            "imported": str(VendorFeed.Outcome.OK.label),
            "failed": str(VendorFeed.Outcome.FAILED.label),
            "unreachable": _("The server %(host)s did not accept the connection.")
            % {"host": "127.0.0.1"},
        }


def _submit(page, name: str) -> None:
    # a pull imports within the request (the tests' task backend), in a child process: a
    # minute allowed on a loaded machine
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("language", ["fr", "de"])
def test_an_analyst_adds_changes_and_pulls_a_feed_without_javascript(
    browser, axe, live_server, staff_client, town_a, settings, language
):
    settings.MOBILITY_FEED_ALLOWED_HOSTS = ["127.0.0.1"]
    words = _words(language)
    user = member(town_a, Role.MOBILITY_ANALYST)
    user.language = language
    user.save(update_fields=["language"])
    locale = f"{language}-CH"
    checker = browser.new_context(base_url=live_server.url, locale=locale).new_page()
    _logged_in(checker, staff_client, user, live_server)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale=locale
    )
    page = context.new_page()
    _logged_in(page, staff_client, user, live_server)

    def checked(where: str) -> None:
        checker.goto(where)
        axe(checker)

    with VendorServer() as server:
        server.body = CSV
        # given: no feed yet
        page.goto("/pully/mobility/imports/feeds/")
        assert page.locator("h1").inner_text() == words["title"]
        assert words["none"] in page.locator("main").inner_text()
        checked(page.url)
        # when: a feed is added with an address that is not https
        with page.expect_navigation():
            page.get_by_role("link", name=words["add"]).click()
        checked(page.url)
        page.fill("#id_name", "Comptages Kapsch")
        page.fill("#id_url", "ftp://export.example.ch/c.csv")
        _submit(page, words["save"])
        # then: the form again, the error in the reader's language, nothing saved
        assert words["https"] in page.locator("main").inner_text()
        assert page.locator(".error-summary").count() == 1
        checker.goto("/pully/mobility/imports/feeds/new/")
        checker.fill("#id_name", "Comptages Kapsch")
        checker.fill("#id_url", "ftp://export.example.ch/c.csv")
        with checker.expect_navigation():
            checker.get_by_role("button", name=words["save"], exact=True).click()
        axe(checker)
        # when: the address is corrected
        page.fill("#id_url", server.url())
        _submit(page, words["save"])
        # then: the list with the feed
        assert page.url.endswith("/pully/mobility/imports/feeds/")
        assert "Comptages Kapsch" in page.locator("main table").inner_text()
        with scope(town_a):
            [feed] = VendorFeed.objects.all()
        # when: it is renamed from its page
        with page.expect_navigation():
            page.get_by_role("link", name="Comptages Kapsch", exact=True).click()
        checked(page.url)
        page.fill("#id_name", "Kapsch Pully")
        _submit(page, words["save"])
        assert "Kapsch Pully" in page.locator("main table").inner_text()
        # when: it is pulled now
        _submit(page, f"{words['pull']} : Kapsch Pully")
        # then: the server gave its file once, and the list says it was imported
        assert len(server.requests) == 1
        row = page.locator("tr", has_text="Kapsch Pully")
        assert row.locator(".badge.ok").inner_text() == words["imported"]
        checked(page.url)
    # given: a feed whose server no longer answers
    VendorFeedFactory(
        municipality=town_a, name="Ancien flux", url="http://127.0.0.1:9/x.csv", auth="none"
    )
    page.reload()
    # when: it is pulled now
    _submit(page, f"{words['pull']} : Ancien flux")
    # then: its state says it failed, and why, in the reader's language
    row = page.locator("tr", has_text="Ancien flux")
    assert row.locator(".badge.danger").inner_text() == words["failed"]
    assert words["unreachable"] in row.inner_text()
    checked(page.url)
    with scope(town_a):
        assert VendorFeed.objects.get(pk=feed.pk).name == "Kapsch Pully"
    context.close()
    checker.context.close()
