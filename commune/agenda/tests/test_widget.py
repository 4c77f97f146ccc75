"""The embeddable widget: the only agenda page other sites may frame (no X-Frame-Options,
CSP frame-ancestors *), plain HTML with links, filtered by category and organisation, this
town's public dates only; every other page still refuses framing. The embed help page gives
the snippet with a plain link."""

import re
from html import unescape

import pytest
from django.urls import reverse

from commune.accounts.tests.factories import OrganisationFactory
from commune.tenants.scoping import scope

from .conftest import NOW
from .factories import EventFactory

pytestmark = pytest.mark.clock

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(name, town="pully", **kwargs):
    return reverse(f"agenda:{name}", kwargs={"town": town, **kwargs})


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict((part.strip() + " ").split(" ", 1) for part in policy.split(";") if part.strip())


def titles(response) -> list[str]:
    html = response.content.decode()
    return [
        unescape(t)
        for t in re.findall(r'#d\d{8}T\d{4}" target="_blank" rel="noopener">([^<]+)</a>', html)
    ]


@pytest.fixture
def agenda(in_town, town_b, venue, association):
    EventFactory(municipality=in_town, venue=venue, title="Concert", category="music")
    EventFactory(municipality=in_town, venue=venue, title="Thé dansant", organisation=association)
    EventFactory(municipality=in_town, venue=venue, title="Brouillon", status="draft")
    with scope(town_b):
        EventFactory(municipality=town_b, title="Loto de Lutry", category="music")
    return in_town


def test_the_widget_may_be_framed_by_any_site_and_holds_plain_links(client, agenda):
    # when
    response = client.get(url("widget"), **ENGLISH)
    # then: framable, and nothing else loosened
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = directives(response)
    assert policy["frame-ancestors"].strip() == "*"
    assert policy["script-src"].strip() == "'self'"
    assert policy["form-action"].strip() == "'none'"
    html = response.content.decode()
    assert "<script" not in html and "<form" not in html
    assert "base.html" not in html and "<nav" not in html  # no town navigation, no login
    found = titles(response)
    assert "Concert" in found and "Thé dansant" in found
    assert "Loto de Lutry" not in found and "Brouillon" not in found
    event = re.search(r'href="(http[^"#]+/activities/\d+/)#d\d{8}T\d{4}"', html)
    assert event is not None
    assert len(found) == 8  # the default number of dates


def test_every_other_agenda_page_still_refuses_framing(client, agenda):
    for name in ("list", "embed"):
        response = client.get(url(name))
        assert response["X-Frame-Options"] == "DENY"
        assert directives(response)["frame-ancestors"].strip() == "'none'"


def test_the_widget_filters_by_category_and_organisation(client, agenda, association):
    music = titles(client.get(url("widget") + "?category=music&limit=30"))
    assert set(music) == {"Concert"} and len(music) == 10
    theirs = titles(client.get(url("widget") + f"?organisation={association.pk}&limit=3"))
    assert theirs == ["Thé dansant"] * 3


def test_a_wrong_filter_is_a_clear_error_in_the_widget(client, agenda):
    for query in ("?limit=0", "?limit=999", "?category=nope", "?organisation=99999999999"):
        response = client.get(url("widget") + query, **ENGLISH)
        assert response.status_code == 400, query
        assert "This agenda link has a wrong filter" in response.content.decode()
        assert "X-Frame-Options" not in response


def test_the_embed_page_gives_the_snippet_with_a_plain_link(client, agenda, association):
    # when
    response = client.get(url("embed") + f"?category=music&organisation={association.pk}")
    # then
    assert response.status_code == 200
    html = unescape(response.content.decode())
    widget = f"/pully/agenda/widget/?category=music&organisation={association.pk}"
    listing = f"/pully/agenda/?category=music&organisation={association.pk}"
    assert re.search(r'<iframe src="https?://[^"]+' + re.escape(widget) + '"', html)
    assert re.search(r'<p><a href="https?://[^"]+' + re.escape(listing) + '">', html)


def test_an_organisation_of_no_public_event_is_not_offered(client, agenda):
    other = OrganisationFactory(name="Club sans activité")
    response = client.get(url("widget") + f"?organisation={other.pk}")
    assert response.status_code == 400
    assert "Club sans activité" not in client.get(url("embed")).content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["fr-CH", "de-CH"])
def test_the_paper_widget_and_digest_pages_pass_axe(browser, live_server, axe, locale):
    """axe-core (WCAG 2.1 AA) on each new page, in French and German, also at 375 px."""
    from commune.accounts import demo as accounts_demo
    from commune.accounts.tests.browser import open_page
    from commune.agenda import demo as agenda_demo
    from commune.tenants import demo

    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    public = [
        "/pully/agenda/embed/?category=music",
        "/pully/agenda/widget/",
        "/pully/agenda/digest/",
        "/pully/agenda/digest/sent/",
    ]
    moderator = open_page(browser, live_server, demo.staff_email("agenda", "pully"), locale=locale)
    for path in [*public, "/pully/agenda/manage/paper/"]:
        moderator.goto(path)
        axe(moderator)
    small = open_page(browser, live_server, locale=locale, viewport={"width": 375, "height": 800})
    for path in public:
        small.goto(path)
        axe(small)
    # the subscription form works without JavaScript and answers in the page's language
    small.goto("/pully/agenda/digest/")
    with small.expect_navigation():
        small.locator("button[type=submit]").last.click()
    axe(small)
    assert small.locator(".errorlist").count() >= 2
