"""In Chromium: a date with one place is full and two people wait. The first cancels from the
event's page; the first waiting is offered the place at once, told by e-mail (a real SMTP
server), and sees on the page until when it is kept. Time passes beyond that without an
answer: the job the scheduler runs expires the offer and the place goes to the next person,
who takes it. Every page passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import formats, timezone, translation

from commune.accounts.demo import DEMO_PASSWORD
from commune.accounts.models import User
from commune.accounts.tests.browser import open_page
from commune.accounts.tests.factories import UserFactory
from commune.agenda.models import ZURICH, Registration
from commune.agenda.services.registrations import OFFER_TIME
from commune.agenda.tasks import agenda_offers_tick
from commune.core.days import weekday_date

from .factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]

#: Monday 2 November 2026, 09:00 in Pully; the activity's first date is on the 11th.
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=ZURICH)
FIRST = dt.datetime(2026, 11, 11, 14, 0, tzinfo=ZURICH)
DATE = f"li#d{FIRST:%Y%m%dT%H%M}"


def status(value: str) -> str:
    with translation.override("fr"):
        return str(Registration.Status(value).label)


def kept_until(deadline: dt.datetime, *, mail: bool = False) -> str:
    """The offer's deadline as the page (or the mail) writes it in French."""
    with translation.override("fr"):
        local = timezone.localtime(deadline, ZURICH)
        if mail:
            return formats.date_format(local, "DATETIME_FORMAT")
        return weekday_date(local, time=True)


@pytest.fixture
def full_date(in_town, time_machine):
    """'Atelier mémoire', one place per date, and three residents with an account."""
    time_machine.move_to(NOW, tick=False)
    event = EventFactory(
        title="Atelier mémoire",
        starts_at=FIRST,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4",
        capacity=1,
        published_at=NOW,
    )
    people = {
        name.split()[0].lower(): UserFactory(
            full_name=name,
            email=f"{name.split()[0].lower()}@example.ch",
            kind=User.Kind.CITIZEN,
            language="fr",
            password=DEMO_PASSWORD,
        )
        for name in ("Anne Chappuis", "Bruno Favre", "Carla Rossi")
    }
    return event, people


def test_a_freed_place_goes_to_the_first_waiting_then_to_the_next_when_the_offer_expires(
    browser, live_server, axe, smtp_server, time_machine, full_date
):
    event, people = full_date
    path = f"/{event.municipality.slug}/agenda/activities/{event.pk}/"
    pages = {}
    # given: Anne takes the only place, Bruno then Carla register and wait
    for name in ("anne", "bruno", "carla"):
        page = pages[name] = open_page(browser, live_server, people[name].email)
        page.goto(path)
        if name == "anne":
            assert "1 place restante" in page.locator(DATE).inner_text()
            button = page.get_by_role("button", name="S'inscrire pour le 11 novembre")
        else:  # the date is full: it says so, and the button says what registering does
            assert "Complet" in page.locator(DATE).inner_text()
            button = page.get_by_role(
                "button", name="S'inscrire sur la liste d'attente du 11 novembre"
            )
        with page.expect_navigation():
            button.click()
    assert status("confirmed") in pages["anne"].locator(DATE).inner_text()
    for name in ("bruno", "carla"):
        assert status("waiting") in pages[name].locator(DATE).inner_text()
    axe(pages["carla"])
    # when: Anne cancels from the page
    cancelled_at = timezone.now()
    with pages["anne"].expect_navigation():
        pages["anne"].locator(f"{DATE} form[action$='/cancel/'] button").click()
    # then: Bruno is offered the place and told by e-mail until when it is kept for him
    deadline = cancelled_at + OFFER_TIME
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "bruno@example.ch"
    text = mail.get_body(("plain",)).get_content()
    assert "Atelier mémoire" in text and kept_until(deadline, mail=True) in text
    bruno = pages["bruno"]
    bruno.reload()
    offer = bruno.locator(DATE).inner_text()
    assert status("offered") in offer and kept_until(deadline) in offer
    assert bruno.locator(f"{DATE} form[action$='/confirm/'] button").is_visible()
    axe(bruno)
    assert status("waiting") in pages["carla"].locator(DATE).inner_text()
    # when: a day passes and more, Bruno says nothing, and the scheduler's job runs
    time_machine.move_to(deadline + dt.timedelta(minutes=15), tick=False)
    assert agenda_offers_tick.call() == 1
    # then: the place is offered to Carla, told by e-mail with her own deadline
    second_deadline = deadline + dt.timedelta(minutes=15) + OFFER_TIME
    mails = smtp_server.wait_for(2)
    assert len(mails) == 2 and mails[1]["To"] == "carla@example.ch"
    assert kept_until(second_deadline, mail=True) in mails[1].get_body(("plain",)).get_content()
    bruno.reload()
    assert bruno.locator(f"{DATE} form[action$='/confirm/']").count() == 0
    assert bruno.locator(f"{DATE} form[action$='/register/']").count() == 1
    carla = pages["carla"]
    carla.reload()
    assert kept_until(second_deadline) in carla.locator(DATE).inner_text()
    # and Carla takes it
    with carla.expect_navigation():
        carla.locator(f"{DATE} form[action$='/confirm/'] button").click()
    assert status("confirmed") in carla.locator(DATE).inner_text()
    axe(carla)
    states = dict(Registration.objects.filter(event=event).values_list("user__email", "status"))
    assert states == {
        "anne@example.ch": "cancelled",
        "bruno@example.ch": "expired",
        "carla@example.ch": "confirmed",
    }
