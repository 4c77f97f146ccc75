"""In Chromium: the coordinator enters a request for someone who called; a verified neighbour
sees it near them and offers help; the coordinator accepts for the caller, sees it matched,
then closes it as done.
Every page passes axe-core (WCAG 2.1 AA)."""

import pytest

from commune.accounts import demo as accounts_demo
from commune.accounts.tests.browser import open_page
from commune.help import demo as help_demo
from commune.help.models import Post
from commune.tenants import demo, scoping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    help_demo.load(towns)
    return next(t for t in towns if t.slug == "pully")


def test_a_neighbour_offers_help_on_a_phone_request_and_the_coordinator_matches_it(
    browser, live_server, axe, pully
):
    # given: the coordinator enters what Mme Bron asked on the phone
    desk = open_page(browser, live_server, "entraide@pully.example.ch")
    desk.goto("/pully/help/desk/phone/")
    axe(desk)
    desk.locator("#id_name").fill("Simone Bron")
    desk.locator("#id_phone").fill("+41 21 555 44 44")
    desk.locator("#id_address").fill("Avenue des Cerisiers 4")
    desk.locator("#id_neighbourhood").select_option(label="Rosiaz")
    desk.locator("#id_category").select_option("shopping")
    desk.locator("#id_title").fill("Courses pour Mme Bron")
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_url("**/help/desk/posts/*/")
    axe(desk)
    with scoping.scope(pully):
        post = Post.objects.get(title="Courses pour Mme Bron")
    # when: a verified neighbour of Rosiaz sees it and offers help
    neighbour = open_page(browser, live_server, help_demo.login("voisin", "pully"))
    neighbour.goto("/pully/help/")
    axe(neighbour)
    with neighbour.expect_navigation():
        neighbour.get_by_role("link", name="Courses pour Mme Bron").click()
    assert neighbour.url.endswith(f"/posts/{post.pk}/")
    axe(neighbour)
    body = neighbour.content()
    assert "555 44 44" not in body and "Cerisiers" not in body and "Simone Bron" not in body
    neighbour.locator("#id_note").fill("Je peux passer samedi.")
    with neighbour.expect_navigation():
        neighbour.locator(f"form[action$='/posts/{post.pk}/answer/'] button").click()
    axe(neighbour)
    # then: the coordinator accepts the answer for Mme Bron and sees the request matched
    desk.goto(f"/pully/help/desk/posts/{post.pk}/")
    with desk.expect_navigation():
        desk.locator("form:has(input[name=action][value=accept]) button").click()
    axe(desk)
    with scoping.scope(pully):
        post.refresh_from_db()
    assert post.status == "matched" and post.partner.user.email.startswith("voisin.pully")
    assert "Marc Aidant" in desk.locator("main").inner_text()
    desk.goto("/pully/help/desk/?status=matched")
    assert desk.get_by_role("link", name="Courses pour Mme Bron").is_visible()
    axe(desk)
    # and: the help was given, the coordinator closes the request as done
    desk.goto(f"/pully/help/desk/posts/{post.pk}/")
    with desk.expect_navigation():
        desk.locator("form:has(input[name=action][value=close]) button[value=done]").click()
    axe(desk)
    with scoping.scope(pully):
        post.refresh_from_db()
    assert post.status == "done"
    desk.goto("/pully/help/desk/?status=done")
    assert desk.get_by_role("link", name="Courses pour Mme Bron").is_visible()


def test_the_help_pages_pass_axe_in_german_on_a_phone_screen(browser, live_server, axe, pully):
    page = open_page(browser, live_server, help_demo.login("voisine", "pully"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/pully/help/")
    page.locator("#language-select").select_option("de")
    with page.expect_navigation():
        page.locator("form.language-switcher button[type=submit]").click()
    assert page.locator("html").get_attribute("lang").startswith("de")
    for path in ("/pully/help/", "/pully/help/new/"):
        page.goto(path)
        axe(page)
    page.goto("/pully/help/")
    with page.expect_navigation():
        page.get_by_role("link", name="Courses du mardi matin").click()
    axe(page)
    no_screen = open_page(browser, live_server, help_demo.login("nouveau", "pully"))
    no_screen.goto("/pully/help/")
    axe(no_screen)
    no_screen.goto("/pully/help/join/")
    axe(no_screen)
    desk = open_page(browser, live_server, "entraide@pully.example.ch")
    for path in ("/pully/help/desk/", "/pully/help/desk/neighbours/"):
        desk.goto(path)
        axe(desk)
