"""In Chromium, with axe-core on every page: an association announces a weekly activity, the
moderator publishes it, the association moves one date and cancels another; the public finds
it in the agenda (accent-insensitive search, filters without JavaScript) and on its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commune.accounts import demo as accounts_demo
from commune.accounts.tests.browser import open_page
from commune.agenda import demo as agenda_demo
from commune.agenda.models import DateChange, Event
from commune.tenants import demo, scoping

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]

MEMBER = "aines@pully.example.ch"


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    return next(t for t in towns if t.slug == "pully")


def test_an_association_publishes_a_weekly_activity_through_moderation(
    browser, live_server, axe, pully
):
    today = timezone.localdate()
    first = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7)  # a Wednesday ahead
    # given: the association's member fills the form
    member = open_page(browser, live_server, MEMBER)
    member.goto("/pully/agenda/new/")
    axe(member)
    member.select_option("select[name=organiser]", index=0)
    member.fill("[name=title]", "Atelier mémoire")
    member.fill("[name=description]", "Jeux et exercices pour garder la mémoire vive.")
    member.select_option("select[name=category]", "learning")
    member.get_by_label("Aînés").check()
    member.select_option("select[name=venue]", label="Maison de quartier")
    member.fill("[name=date]", first.isoformat())
    member.fill("[name=time]", "14:00")
    member.fill("[name=duration_minutes]", "90")
    member.locator("input[name=kind][value=weekly]").check()
    member.locator("input[name=weekdays][value='2']").check()
    member.fill("[name=count]", "8")
    member.get_by_role("button", name="Enregistrer le brouillon").click()
    member.wait_for_url("**/agenda/mine/*/")
    axe(member)
    member.get_by_role("button", name="Soumettre pour publication").click()
    member.wait_for_url("**/agenda/mine/*/")
    with scoping.scope(pully):
        event = Event.objects.get(title="Atelier mémoire")
    assert event.status == "submitted"
    # when: the moderator publishes it from the queue
    moderator = open_page(browser, live_server, demo.staff_email("agenda", "pully"))
    moderator.goto("/pully/agenda/queue/")
    axe(moderator)
    with moderator.expect_navigation():
        moderator.get_by_role("link", name="Atelier mémoire").click()
    axe(moderator)
    moderator.get_by_role("button", name="Publier", exact=True).click()
    moderator.wait_for_url("**/agenda/queue/")
    # then: the member moves the second date by a day and cancels the third
    member.reload()
    second, third = (first + dt.timedelta(days=7)), (first + dt.timedelta(days=14))
    member.locator(f"li#d{second:%Y%m%d}T1400 summary").click()
    form = member.locator(f"li#d{second:%Y%m%d}T1400 form")
    form.locator("[name=new_date]").fill((second + dt.timedelta(days=1)).isoformat())
    with member.expect_navigation():
        form.get_by_role("button").click()
    member.locator(f"li#d{third:%Y%m%d}T1400 summary").click()
    form = member.locator(f"li#d{third:%Y%m%d}T1400 form")
    form.locator("[name=cancelled]").check()
    with member.expect_navigation():
        form.get_by_role("button").click()
    axe(member)
    with scoping.scope(pully):
        assert DateChange.objects.filter(event=event).count() == 2
    # and the public finds it by a search without accents and a filter, the form working
    # without JavaScript (axe needs JavaScript: it checks the same pages with it)
    bare = open_page(browser, live_server, java_script_enabled=False)
    bare.goto("/pully/agenda/")
    bare.fill("[name=q]", "memoire")
    bare.get_by_label("Accès de plain-pied").check()
    bare.get_by_role("button", name="Rechercher").click()
    bare.wait_for_url("**/agenda/?*")
    assert bare.locator(".agenda-item h3").count() == 8
    assert bare.locator(".agenda-item.cancelled").count() == 1
    public = open_page(browser, live_server)
    public.goto(bare.url)
    items = public.locator(".agenda-item h3")
    assert items.count() == 8
    axe(public)
    items.first.locator("a").click()
    public.wait_for_url("**/activities/**")
    axe(public)
    assert public.locator("h1").inner_text() == "Atelier mémoire"
    assert public.locator("script[type='application/ld+json']").count() == 8
    webcal = public.get_by_role("link", name="S'abonner dans votre agenda (webcal)")
    assert webcal.get_attribute("href").startswith("webcal://")
    # at 375 px the page stays usable and accessible
    public.set_viewport_size({"width": 375, "height": 800})
    axe(public)


def test_the_agenda_and_an_event_in_german_at_200_percent_zoom(browser, live_server, axe, pully):
    # given: a German browser, its window as at 200 % zoom of a 1280 × 800 screen
    page = open_page(browser, live_server, locale="de-CH", viewport={"width": 640, "height": 400})
    # when
    page.goto("/pully/agenda/")
    # then
    assert page.locator("html").get_attribute("lang") == "de-CH"
    assert page.locator("h1").inner_text() == "Agenda"
    assert page.get_by_role("button", name="Suchen").is_visible()
    axe(page)
    page.locator(".agenda-item h3 a").first.click()
    page.wait_for_url("**/activities/**")
    assert page.get_by_role("heading", name="Daten").is_visible()
    axe(page)
