"""Every neighbourhood-help page in Chromium, in French and German, on a 375 px phone and at
200 % zoom: each opened by the person it is for (a visitor, a resident joining, one waiting
for their letter's code, two verified neighbours, the town's coordinator), with its own
heading, 0 axe-core violations (WCAG 2.1 AA) and no sideways scrolling. One browser context
per language and screen (commune/agenda/tests/sweep.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commune.accounts.models import User
from commune.accounts.tests.factories import UserFactory
from commune.agenda.models import ZURICH
from commune.agenda.tests.factories import EventFactory
from commune.agenda.tests.sweep import SWEEPS, Sweep, translated

from .conftest import neighbour
from .factories import AnswerFactory, CallerFactory, MessageFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def helping(rosiaz, alice, bruno, coordinator, caller):
    """Rosiaz as in the demo: Alice's open request that Bruno answered, a ride matched
    between them with their messages, requests entered by phone for a caller (open with a
    call-back, done, no one found), a resident waiting for their code and one not yet in."""
    town = rosiaz.municipality
    today = timezone.localdate()
    shopping = PostFactory(author=alice, title="Courses du mardi matin", category="shopping")
    AnswerFactory(post=shopping, neighbour=bruno, note="Je peux passer mardi.")
    ride = PostFactory(
        author=alice,
        title="Conduite chez le médecin",
        category="ride",
        status="matched",
        partner=bruno,
    )
    MessageFactory(post=ride, sender=alice, body="Merci ! Rendez-vous à 9 h ?")
    MessageFactory(post=ride, sender=bruno, body="Oui, je klaxonne deux fois.")
    by_phone = PostFactory(
        author=None,
        caller=caller,
        created_by=coordinator,
        title="Visite le jeudi après-midi",
        category="visit",
        neighbourhood=rosiaz,
        location=caller.location,
        follow_up_on=today,
    )
    for title, status in (("Changer une ampoule", "done"), ("Accompagnement", "no_one_found")):
        PostFactory(
            author=None,
            caller=CallerFactory(neighbourhood=rosiaz),
            created_by=coordinator,
            title=title,
            status=status,
            neighbourhood=rosiaz,
            location=caller.location,
            follow_up_on=today + dt.timedelta(days=3),
        )
    # "Accompany me": a weekly tea dance in the agenda, Alice asks for a companion
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7)
    start = dt.datetime.combine(wednesday, dt.time(14), tzinfo=ZURICH)
    tea = EventFactory(
        title="Thé dansant",
        starts_at=start,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=6",
        capacity=20,
        published_at=timezone.now(),
    )
    accompany = PostFactory(
        author=alice,
        title="Compagnie pour le thé dansant",
        category="accompany",
        event=tea,
        occurrence_start=start,
        status="matched",
        partner=bruno,
    )
    pending = neighbour(rosiaz, "Nadia Nouvelle", verified=False, channel="post")
    newcomer = UserFactory(full_name="Paul Nouveau", kind=User.Kind.CITIZEN)
    return {
        "town": town,
        "shopping": shopping,
        "ride": ride,
        "by_phone": by_phone,
        "pending": pending,
        "newcomer": newcomer,
        "tea": tea,
        "accompany": accompany,
        "day": wednesday,
        "caller": caller,
    }


@pytest.mark.parametrize(("language", "screen"), SWEEPS)
def test_every_help_page_is_accessible_in_french_and_german_on_small_screens(
    browser, live_server, helping, alice, bruno, coordinator, language, screen
):
    h = helping
    base = f"/{h['town'].slug}/help"
    shopping, ride, by_phone = h["shopping"], h["ride"], h["by_phone"]

    def t(msgid: str) -> str:
        return translated(language, msgid)

    sweep = Sweep(browser, live_server, language=language, screen=screen)
    try:
        # a visitor, a resident joining, a resident waiting for the letter's code
        sweep.visit(f"{base}/", t("Neighbourhood help"))
        sweep.as_user(h["newcomer"])
        sweep.visit(f"{base}/join/", t("Join your neighbours"))
        sweep.as_user(h["pending"].user)
        page = sweep.visit(f"{base}/", t("Neighbourhood help"))
        assert page.locator("main form [name=code]").is_visible()
        # Alice: the posts near her and hers, the rules before her first post, her request
        # with Bruno's answer, the ride matched with Bruno and their messages
        sweep.as_user(alice.user)
        page = sweep.visit(f"{base}/", t("Neighbourhood help"))
        assert page.get_by_role("link", name="Courses du mardi matin").first.is_visible()
        page = sweep.visit(f"{base}/new/", t("Ask for or offer help"))
        assert page.get_by_role("heading", name=t("The rules of neighbourhood help")).is_visible()
        page = sweep.visit(f"{base}/posts/{shopping.pk}/", "Courses du mardi matin")
        assert page.get_by_text("Je peux passer mardi.").is_visible()
        page = sweep.visit(f"{base}/posts/{ride.pk}/", "Conduite chez le médecin")
        assert page.get_by_text("je klaxonne deux fois").is_visible()
        # "Accompany me" from a date of an agenda event, and the companion found
        tea, day = h["tea"], h["day"]
        page = sweep.visit(f"/{h['town'].slug}/agenda/activities/{tea.pk}/", "Thé dansant")
        ask = page.locator(f"a[href='{base}/new/?event={tea.pk}&day={day.isoformat()}']")
        assert ask.count() == 1
        page = sweep.visit(
            f"{base}/new/?event={tea.pk}&day={day.isoformat()}", t("Ask for or offer help")
        )
        assert page.locator("main form [name=category]").input_value() == "accompany"
        sweep.visit(f"{base}/posts/{h['accompany'].pk}/", "Compagnie pour le thé dansant")
        # Bruno reads Alice's request (and could answer it or report it)
        sweep.as_user(bruno.user)
        page = sweep.visit(f"{base}/posts/{shopping.pk}/", "Courses du mardi matin")
        assert page.locator(f"form[action='{base}/posts/{shopping.pk}/report/']").count() == 1
        # the coordinator: the desk, its filters, a phone request entered and followed up,
        # the addresses to verify
        sweep.as_user(coordinator, staff=True)
        page = sweep.visit(f"{base}/desk/", t("Help desk"))
        assert page.get_by_role("link", name="Visite le jeudi après-midi").first.is_visible()
        sweep.visit(f"{base}/desk/?status=no_one_found", t("Help desk"))
        sweep.visit(f"{base}/desk/phone/", t("Enter a phone request"))
        sweep.visit(
            f"{base}/desk/phone/?event={tea.pk}&day={day.isoformat()}", t("Enter a phone request")
        )
        page = sweep.visit(f"{base}/desk/posts/{by_phone.pk}/", "Visite le jeudi après-midi")
        assert page.locator("main form [name=day]").is_visible()
        sweep.visit(f"{base}/desk/posts/{ride.pk}/", "Conduite chez le médecin")
        page = sweep.visit(f"{base}/desk/neighbours/", t("Addresses to verify"))
        assert page.get_by_text("Nadia Nouvelle").first.is_visible()
        # a caller registered for a date of the tea dance, from the event's page
        page = sweep.visit(f"/{h['town'].slug}/agenda/activities/{tea.pk}/", "Thé dansant")
        label = t("Register a caller for %(day)s") % {"day": f"{day:%d.%m.%Y}"}
        assert page.get_by_role("link", name=label).is_visible()
        page = sweep.visit(
            f"{base}/desk/agenda/{tea.pk}/?occurrence={day:%Y%m%d}T1400&caller={h['caller'].pk}",
            t("Register a caller for an activity"),
        )
        assert page.locator("main form [name=name]").input_value() == h["caller"].name
    finally:
        sweep.close()
    assert not sweep.problems, "\n".join(sweep.problems)
