"""In Chromium, axe-core on every page: "Accompany me". A verified neighbour registered for the
community meal asks, from the event's page, for a companion for that date (the form comes
filled in); a verified helper nearby sees the request and offers; she accepts; the organiser's
attendee list then says she comes accompanied."""

from __future__ import annotations

import pytest

from commune.accounts import demo as accounts_demo
from commune.accounts.tests.browser import open_page
from commune.agenda import demo as agenda_demo
from commune.agenda.models import Event, Registration
from commune.help import demo as help_demo
from commune.help.models import Post
from commune.tenants import demo, scoping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANISER = "familles@pully.example.ch"  # the association that holds the community meal


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    help_demo.load(towns)
    return next(t for t in towns if t.slug == "pully")


def test_a_companion_request_from_an_event_is_matched_and_the_organiser_sees_it(
    browser, live_server, axe, pully
):
    with scoping.scope(pully):
        meal = Event.objects.get(title="Repas communautaire")
    # given: Élise, a verified neighbour, registers for the first date of the meal
    elise = open_page(browser, live_server, help_demo.login("voisine", "pully"))
    elise.goto(f"/pully/agenda/activities/{meal.pk}/")
    axe(elise)
    first = elise.locator("ul.dates > li").first
    with elise.expect_navigation():
        first.get_by_role("button", name="S'inscrire").click()
    # when: she asks for a companion for that date, from the same page
    first = elise.locator("ul.dates > li").first
    first.get_by_role("link", name="Demander un accompagnement").click()
    elise.wait_for_url("**/help/new/?event=*")
    axe(elise)
    assert elise.locator("#id_category").input_value() == "accompany"
    assert elise.locator("#id_event").input_value() == str(meal.pk)
    assert elise.locator("#id_occurrence_day").input_value() != ""
    elise.locator("#id_title").fill("Quelqu'un pour venir au repas avec moi")
    elise.locator("#id_rules").check()
    elise.locator("main form button[type=submit]").click()
    elise.wait_for_url("**/help/posts/*/")
    axe(elise)
    with scoping.scope(pully):
        post = Post.objects.get(title="Quelqu'un pour venir au repas avec moi")
    assert post.event_id == meal.pk and post.occurrence_start is not None
    # then: Marc, a verified helper nearby, sees it and offers
    marc = open_page(browser, live_server, help_demo.login("voisin", "pully"))
    marc.goto("/pully/help/")
    with marc.expect_navigation():
        marc.get_by_role("link", name="Quelqu'un pour venir au repas avec moi").click()
    axe(marc)
    assert "Repas communautaire" in marc.locator("main").inner_text()
    with marc.expect_navigation():
        marc.locator(f"form[action$='/posts/{post.pk}/answer/'] button").click()
    # and Élise accepts him
    elise.reload()
    with elise.expect_navigation():
        elise.get_by_role("button", name="Accepter Marc Aidant").click()
    assert "sait que quelqu'un vous accompagne" in elise.locator("main").inner_text()
    axe(elise)
    with scoping.scope(pully):
        registration = Registration.objects.get(event=meal, name="Élise Voisin")
    assert registration.accompanied
    # the organiser sees that she comes accompanied
    organiser = open_page(browser, live_server, ORGANISER)
    organiser.goto(f"/pully/agenda/mine/{meal.pk}/attendees/")
    row = organiser.locator("tr", has_text="Élise Voisin")
    assert "accompagné(e)" in row.inner_text()
    axe(organiser)
