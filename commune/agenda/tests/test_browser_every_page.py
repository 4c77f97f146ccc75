"""Every agenda page in Chromium, in French and German, on a 375 px phone and at 200 % zoom:
each opened by the person it is for, with its own heading, 0 axe-core violations (WCAG 2.1
AA) and no sideways scrolling. One browser context per language and screen (sweep.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from commune.accounts.models import User
from commune.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)
from commune.agenda import digest
from commune.agenda.models import ZURICH, Registration, TrustedOrganisation
from commune.agenda.models.registration import RegistrationCall
from commune.agenda.services.registrations import registration_create

from .factories import DateChangeFactory, EventFactory, VenueFactory
from .sweep import SWEEPS, Sweep, translated

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agenda(in_town):
    """A town's agenda as in the demo: an association (a member), a trusted one, the town's
    moderator, venues with their accessibility, a weekly meal with places (one date moved,
    one cancelled, people registered online and at the counter), one awaiting moderation, a
    draft, and a resident with an account."""
    town = in_town
    now = timezone.now()
    today = timezone.localdate(now)
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7)
    start = dt.datetime.combine(wednesday, dt.time(14), tzinfo=ZURICH)
    association = OrganisationFactory(name="Club des aînés de Pully")
    families = OrganisationFactory(name="Association des familles")
    TrustedOrganisation.objects.create(municipality=town, organisation=families)
    member = UserFactory(full_name="Anne Chappuis", email="anne@aines.example.ch")
    add_member(association, member, manager=True)
    moderator = MembershipFactory(
        municipality=town, role="agenda_moderator", user__full_name="Agenda Pully"
    ).user
    resident = UserFactory(full_name="Hans Muster", kind=User.Kind.CITIZEN)
    hall = VenueFactory(
        name="Maison de quartier", step_free=True, wheelchair_toilet=True, seating=True
    )
    church = VenueFactory(name="Salle paroissiale", step_free=False, quiet_room=True)
    tea = EventFactory(
        title="Thé dansant",
        organisation=association,
        created_by=member,
        venue=hall,
        starts_at=start,
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=12",
        capacity=12,
        neighbourhood="Centre",
        price_kind="free",
        search_text="the dansant",
        published_at=now,
    )
    DateChangeFactory(
        event=tea,
        original_start=start + dt.timedelta(days=7),
        cancelled=False,
        starts_at=start + dt.timedelta(days=8),
        note="Déplacé au jeudi",
    )
    DateChangeFactory(event=tea, original_start=start + dt.timedelta(days=14), note="Fermé")
    DateChangeFactory(
        event=tea, original_start=start + dt.timedelta(days=21), cancelled=False, venue=church
    )
    registration_create(
        event=tea,
        original_start=start,
        name="Madeleine Favre",
        phone="021 555 12 34",
        channel=Registration.Channel.COUNTER,
        registered_by=member,
        now=now,
    )
    favre = Registration.objects.get(event=tea, name="Madeleine Favre")
    RegistrationCall.objects.create(
        municipality=town,
        registration=favre,
        kind="offered",
        reason="no_channel",
        message="Pully: une place est libre pour Thé dansant. Appelez avant demain 18:00.",
    )
    registration_create(
        event=tea, original_start=start, name=resident.full_name, user=resident, now=now
    )
    registration_create(
        event=tea,
        original_start=start,
        name="Rose Cuénod",
        address="Chemin des Roses 3\n1009 Pully",
        channel=Registration.Channel.PHONE,
        registered_by=member,
        now=now,
    )
    token = digest.confirm_token(
        municipality=town, email="lea@example.ch", categories=["meal", "music"], language="fr"
    )
    subscription = digest.digest_confirm(
        municipality=town,
        token=digest.confirm_token(
            municipality=town, email="max@example.ch", categories=["sport"], language="de"
        ),
        now=now,
    )
    concert = EventFactory(
        title="Concert de l'Avent",
        organisation=association,
        created_by=member,
        venue=church,
        category="music",
        starts_at=start + dt.timedelta(days=3, hours=3),
        rrule="",
        status="submitted",
        price_kind="amount",
        price_amount=15,
    )
    draft = EventFactory(
        title="Atelier mémoire",
        organisation=association,
        created_by=member,
        venue=hall,
        category="learning",
        starts_at=start + dt.timedelta(days=1),
        rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=8",
        status="draft",
    )
    return {
        "town": town,
        "association": association,
        "member": member,
        "moderator": moderator,
        "resident": resident,
        "hall": hall,
        "tea": tea,
        "concert": concert,
        "draft": draft,
        "confirm_token": token,
        "unsubscribe_token": digest.unsubscribe_token(subscription),
    }


@pytest.mark.parametrize(("language", "screen"), SWEEPS)
def test_every_agenda_page_is_accessible_in_french_and_german_on_small_screens(
    browser, live_server, agenda, language, screen
):
    a = agenda
    base = f"/{a['town'].slug}/agenda"
    tea, concert, draft, hall = a["tea"], a["concert"], a["draft"], a["hall"]

    def t(msgid: str) -> str:
        return translated(language, msgid)

    sweep = Sweep(browser, live_server, language=language, screen=screen)
    try:
        # the public: the agenda, a search with filters, an organisation's activities, an
        # event, a venue (the feeds' links are on each of them)
        page = sweep.visit(f"{base}/", t("Agenda"))
        assert page.locator(".agenda-item").count() >= 11
        assert page.locator("a[href^='webcal://']").count() == 1
        page = sweep.visit(
            f"{base}/?q=the+dansant&category=meal&audience=seniors&access=step_free"
            "&neighbourhood=Centre&free=on",
            t("Agenda"),
        )
        assert page.locator(".agenda-item h3").first.inner_text() == "Thé dansant"
        assert page.locator(".agenda-item.cancelled").count() == 1
        page = sweep.visit(f"{base}/?organisation={a['association'].pk}", t("Agenda"))
        assert page.locator(".agenda-item").count() >= 11
        page = sweep.visit(f"{base}/activities/{tea.pk}/", "Thé dansant")
        assert page.get_by_role("heading", name=t("Dates")).is_visible()
        sweep.visit(f"{base}/venues/{hall.pk}/", "Maison de quartier")
        # the agenda on an association's site, and by e-mail every week
        town_name = a["town"].name
        page = sweep.visit(f"{base}/widget/", t("Agenda of %(town)s") % {"town": town_name})
        assert page.get_by_role("link", name="Thé dansant").first.is_visible()
        sweep.visit(f"{base}/embed/", t("The agenda on your site"))
        sweep.visit(f"{base}/digest/", t("The agenda by e-mail"))
        sweep.visit(f"{base}/digest/sent/", t("The agenda by e-mail"))
        sweep.visit(f"{base}/digest/confirm/{a['confirm_token']}/", t("Confirm your subscription"))
        sweep.visit(
            f"{base}/digest/unsubscribe/{a['unsubscribe_token']}/", t("Stop the agenda e-mail")
        )
        # a resident registers from the event's page
        sweep.as_user(a["resident"])
        page = sweep.visit(f"{base}/activities/{tea.pk}/", "Thé dansant")
        assert page.locator(f"form[action='{base}/activities/{tea.pk}/register/']").count() >= 10
        # the association's member: their activities, a new one, a draft, the published
        # one's dates, its attendees and the counter's registration form
        sweep.as_user(a["member"])
        page = sweep.visit(f"{base}/mine/", t("My activities"))
        assert page.get_by_role("link", name="Atelier mémoire").is_visible()
        sweep.visit(f"{base}/new/", t("Announce an activity"))
        page = sweep.visit(f"{base}/mine/{draft.pk}/", "Atelier mémoire")
        assert page.locator("main form [name=title]").input_value() == "Atelier mémoire"
        page = sweep.visit(f"{base}/mine/{tea.pk}/", "Thé dansant")
        assert page.locator("main summary").count() >= 10
        page = sweep.visit(f"{base}/mine/{tea.pk}/attendees/", t("Attendees"))
        assert page.get_by_text("Madeleine Favre").first.is_visible()
        assert page.get_by_role(
            "button", name=t("Called %(name)s: done") % {"name": "Madeleine Favre"}
        ).is_visible()
        assert page.locator("main form [name=name]").is_visible()
        # the town's moderator: the queue, one submission, the venues and their form
        sweep.as_user(a["moderator"], staff=True)
        page = sweep.visit(f"{base}/queue/", t("Agenda queue"))
        assert page.get_by_role("link", name="Concert de l'Avent").is_visible()
        sweep.visit(f"{base}/queue/{concert.pk}/", "Concert de l'Avent")
        sweep.visit(f"{base}/manage/venues/", t("Venues"))
        sweep.visit(f"{base}/manage/venues/new/", t("New venue"))
        sweep.visit(f"{base}/manage/venues/{hall.pk}/", "Maison de quartier")
        # the week's agenda on paper, the day's letters to post
        sweep.visit(f"{base}/manage/paper/", t("Agenda on paper"))
        page = sweep.visit(f"{base}/manage/letters/", t("Letters to post"))
        assert page.get_by_text("Rose Cuénod").first.is_visible()
        assert page.get_by_role("heading", name=t("To call")).is_visible()
    finally:
        sweep.close()
    assert not sweep.problems, "\n".join(sweep.problems)
