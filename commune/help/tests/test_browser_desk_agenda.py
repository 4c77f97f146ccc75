"""In Chromium, with JavaScript off as many counter PCs and screen readers run it (axe in a
JavaScript context on the same pages): the coordinator who takes a call follows "Register a
caller" under a date of an agenda activity and registers the caller, who is told by letter;
the agenda's staff see a person no message reached on their "To call" list and mark the call
done."""

import re

import pytest

from commune.accounts import demo as accounts_demo
from commune.accounts.tests.browser import open_page
from commune.agenda import demo as agenda_demo
from commune.agenda.models import Event, Registration
from commune.agenda.models.registration import RegistrationCall, RegistrationLetter
from commune.help import demo as help_demo
from commune.tenants import demo, scoping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "entraide@pully.example.ch"


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    help_demo.load(towns)
    return next(t for t in towns if t.slug == "pully")


def _without_script(browser, live_server, page):
    """The same person, logged in (one second factor: a TOTP code works once), in a context
    that runs no JavaScript."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CH",
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context.new_page()


def test_the_desk_registers_a_caller_and_staff_clear_a_call_without_javascript(
    browser, live_server, axe, pully
):
    with scoping.scope(pully):
        meal = Event.objects.get(title="Repas communautaire")
    event_page = f"/pully/agenda/activities/{meal.pk}/"
    # axe on the event's page and the desk's form, as the coordinator sees them
    seen = open_page(browser, live_server, COORDINATOR)
    seen.goto(event_page)
    link = seen.get_by_role("link", name=re.compile("^Inscrire un appelant le ")).first
    with seen.expect_navigation():
        link.click()
    form_url = seen.url.removeprefix(live_server.url)
    assert seen.get_by_role("heading", name="Inscrire un appelant à une activité").is_visible()
    axe(seen)
    # when: without JavaScript, the coordinator registers Mme Bron who called
    desk = _without_script(browser, live_server, seen)
    desk.goto(form_url)
    desk.locator("#id_name").fill("Simone Bron")
    desk.locator("#id_phone").fill("021 555 44 44")
    desk.locator("#id_address").fill("Avenue des Cerisiers 4\n1009 Pully")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Inscrire", exact=True).click()
    # then: she is registered by phone, her letter waits for the day's post
    assert "Une lettre de confirmation attend le courrier du jour." in desk.content()
    with scoping.scope(pully):
        bron = Registration.objects.get(name="Simone Bron")
        assert (bron.channel, bron.registered_by.email) == ("phone", COORDINATOR)
        assert RegistrationLetter.objects.filter(registration=bron).exists()
        # and a place offered to someone with only a landline is a call to make
        call = RegistrationCall.objects.create(
            municipality=pully,
            registration=Registration.objects.create(
                municipality=pully,
                event=meal,
                original_start=bron.original_start,
                name="Paul Rey",
                phone="+41215557788",
                channel="phone",
                status="offered",
                offered_until=bron.original_start,
            ),
            kind="offered",
            reason="no_channel",
            message="Pully: une place est libre pour Repas communautaire.",
        )
    staff_email = demo.staff_email("agenda", "pully")
    seen = open_page(browser, live_server, staff_email)
    seen.goto("/pully/agenda/manage/letters/")
    assert seen.get_by_role("heading", name="À appeler").is_visible()
    axe(seen)
    staff = _without_script(browser, live_server, seen)
    staff.goto("/pully/agenda/manage/letters/")
    assert staff.get_by_role("link", name="+41215557788").is_visible()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Paul Rey appelé·e : fait").click()
    assert staff.url.endswith("/pully/agenda/manage/letters/")
    assert "L'appel est marqué comme fait." in staff.locator("main").inner_text()
    assert staff.get_by_role("link", name="+41215557788").count() == 0
    with scoping.scope(pully):
        call.refresh_from_db()
        assert call.done_by.email == staff_email
