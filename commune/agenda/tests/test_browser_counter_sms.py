"""In Chromium, axe-core on every page: a senior with no e-mail is registered at the counter by
the association's member, who is told the confirmation goes by SMS; the SMS reaches the
provider (a real local HTTP server that records it) with her mobile number and the activity.
A person with neither e-mail nor mobile gets a letter, which the town's staff see waiting."""

from __future__ import annotations

import pytest

from commune.accounts import demo as accounts_demo
from commune.accounts.tests.browser import open_page
from commune.agenda import demo as agenda_demo
from commune.agenda.models import Event, Registration
from commune.core.tests.sms_provider import sms_provider  # noqa: F401
from commune.tenants import demo, scoping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER = "familles@pully.example.ch"  # the association that holds the community meal


@pytest.fixture
def pully(transactional_db):
    towns = demo.load()
    accounts_demo.load(towns)
    agenda_demo.load(towns)
    return next(t for t in towns if t.slug == "pully")


def test_a_senior_without_email_registered_at_the_counter_gets_an_sms(
    browser,
    live_server,
    axe,
    pully,
    sms_provider,  # noqa: F811
):
    with scoping.scope(pully):
        meal = Event.objects.get(title="Repas communautaire")
    # given: the association's member opens the attendee list at the counter
    member = open_page(browser, live_server, MEMBER)
    member.goto(f"/pully/agenda/mine/{meal.pk}/attendees/")
    axe(member)
    # when: she registers Mme Pittet, who has a mobile phone and no e-mail
    member.locator("#id_occurrence").select_option(index=0)
    member.locator("#id_name").fill("Germaine Pittet")
    member.locator("#id_phone").fill("079 555 12 34")
    member.locator("#id_channel").select_option("counter")
    with member.expect_navigation():
        member.get_by_role("button", name="Inscrire", exact=True).click()
    # then: she is told how the confirmation goes, and the provider got the SMS
    assert "La confirmation part par SMS." in member.locator("main").inner_text()
    assert member.get_by_role("cell", name="Germaine Pittet").is_visible()
    axe(member)
    [sms] = sms_provider.wait_for(1)
    assert sms.fields["to"] == "+41795551234"
    assert sms.fields["text"].startswith("Pully: inscription confirmée pour Repas communautaire")
    assert sms.headers["Authorization"] == "Bearer test-token"
    with scoping.scope(pully):
        germaine = Registration.objects.get(name="Germaine Pittet")
    assert (germaine.channel, germaine.email, germaine.status) == ("counter", "", "confirmed")
    # and someone with a landline only gets a letter, waiting for the town's staff to print
    member.locator("#id_occurrence").select_option(index=0)
    member.locator("#id_name").fill("Rose Cuénod")
    member.locator("#id_phone").fill("021 555 77 88")
    member.locator("#id_address").fill("Chemin des Roses 3\n1009 Pully")
    member.locator("#id_channel").select_option("phone")
    with member.expect_navigation():
        member.get_by_role("button", name="Inscrire", exact=True).click()
    assert (
        "Une lettre de confirmation attend le courrier du jour."
        in member.locator("main").inner_text()
    )
    assert len(sms_provider.received) == 1
    staff = open_page(browser, live_server, demo.staff_email("agenda", "pully"))
    staff.goto("/pully/agenda/manage/letters/")
    assert staff.get_by_role("cell", name="Rose Cuénod").is_visible()
    axe(staff)
    # the same pages in German pass axe too
    german = open_page(browser, live_server, MEMBER, locale="de-CH")
    german.goto(f"/pully/agenda/mine/{meal.pk}/attendees/")
    assert german.locator("html").get_attribute("lang") == "de-CH"
    assert german.get_by_role("columnheader", name="Begleitung").is_visible()
    axe(german)
