""" "Accompany me": from a date of an agenda event a verified neighbour asks for a companion
(the form comes filled in), a verified helper nearby sees it and offers, and once matched the
person's registration says they come accompanied — on the organiser's list and its CSV; an
author not registered yet registers from the post; the coordinator does the same for a caller
registered by phone. The agenda never imports help: it calls the link help registered."""

import datetime as dt
import html

import pytest

from commune.accounts.tests.factories import OrganisationFactory, UserFactory, add_member
from commune.agenda.models import Registration
from commune.agenda.services.registrations import registration_create
from commune.agenda.tests.factories import EventFactory
from commune.help import workflow
from commune.help.models import Post
from commune.help.selectors import post_list_nearby
from commune.help.services import posts
from commune.help.services.posts import PostInput

from .conftest import NOW, ZURICH, neighbour

WEDNESDAY = dt.datetime(2026, 11, 11, 14, tzinfo=ZURICH)
WEDNESDAY_DAY = WEDNESDAY.date()


@pytest.fixture
def association(town):
    return OrganisationFactory(name="Club des aînés")


@pytest.fixture
def organiser(association):
    user = UserFactory(full_name="Anne Chappuis", email="anne@aines.example.ch")
    add_member(association, user, manager=True)
    return user


@pytest.fixture
def event(town, association):
    """Wednesdays 14:00 from 7 October 2026, ten times, five places each."""
    return EventFactory(
        municipality=town, organisation=association, capacity=5, title="Thé dansant"
    )


def ask(alice, event, day=WEDNESDAY_DAY):
    return posts.post_create(
        neighbour=alice,
        data=PostInput(
            direction="request",
            category="accompany",
            title="Quelqu'un pour m'accompagner au thé dansant",
            neighbourhood=alice.neighbourhood,
            event=event,
            occurrence_day=day,
        ),
        key=f"k-{day}",
        now=NOW,
    )


def test_the_event_page_offers_a_verified_neighbour_to_ask_for_a_companion(
    client, event, alice, rosiaz, time_machine
):
    time_machine.move_to(NOW, tick=False)
    page = f"/pully/agenda/activities/{event.pk}/"
    link = f"/pully/help/new/?event={event.pk}&amp;day=2026-11-11"
    # anonymous, or not verified: no link
    assert link not in client.get(page).content.decode()
    client.force_login(neighbour(rosiaz, "Paul Nouveau", verified=False).user)
    assert link not in client.get(page).content.decode()
    # a verified neighbour: the link, and the form filled in for that date
    client.force_login(alice.user)
    body = client.get(page).content.decode()
    assert link in body and "Demander un accompagnement pour le 11.11.2026" in body
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="accompany" selected' in form
    assert f'value="{event.pk}" selected' in form
    assert 'value="2026-11-11"' in form
    # without the help module, the agenda shows no link
    town = event.municipality
    town.modules = [m for m in town.modules if m != "help"]
    town.save(update_fields=["modules"])
    assert link not in client.get(page).content.decode()


def test_a_match_marks_the_registration_accompanied_on_the_organisers_list(
    client, staff_client, event, alice, bruno, organiser
):
    # given: Alice is registered and asks for a companion
    registration = registration_create(
        event=event, original_start=WEDNESDAY, name="Alice Dubois", user=alice.user, now=NOW
    )
    post = ask(alice, event)
    assert post.occurrence_start == WEDNESDAY
    # when: Bruno, verified nearby, sees it and offers; Alice accepts
    assert post in post_list_nearby(municipality=event.municipality, neighbour=bruno)
    answer = posts.answer_create(post=post, neighbour=bruno, note="Avec plaisir")
    posts.post_match(post=post, answer=answer, actor_user=alice.user, role=workflow.AUTHOR)
    # then
    registration.refresh_from_db()
    assert registration.accompanied
    lister = staff_client(organiser)
    listing = lister.get(f"/pully/agenda/mine/{event.pk}/attendees/").content.decode()
    assert "accompagné(e)" in listing
    csv_text = lister.get(f"/pully/agenda/mine/{event.pk}/attendees/?format=csv").content
    assert "Alice Dubois" in csv_text.decode() and "accompagné(e)" in csv_text.decode()
    # and when the match falls through, no longer
    posts.post_close(post=post, target="open", actor_user=alice.user, role=workflow.AUTHOR)
    registration.refresh_from_db()
    assert not registration.accompanied


def test_an_author_not_registered_registers_from_the_post_and_comes_accompanied(
    client, event, alice, bruno
):
    post = ask(alice, event)
    answer = posts.answer_create(post=post, neighbour=bruno, note="")
    posts.post_match(post=post, answer=answer, actor_user=alice.user, role=workflow.AUTHOR)
    client.force_login(alice.user)
    page = f"/pully/help/posts/{post.pk}/"
    assert "pas encore inscrit(e)" in client.get(page).content.decode()
    # when
    client.post(page + "register/")
    client.post(page + "register/")
    # then: one registration, accompanied
    [registration] = Registration.objects.filter(event=event)
    assert registration.user == alice.user and registration.accompanied
    assert registration.original_start == WEDNESDAY
    assert "sait que quelqu" in client.get(page).content.decode()
    # the helper may not register Alice
    client.force_login(bruno.user)
    assert client.post(page + "register/").status_code == 404


def test_the_coordinator_matches_a_caller_registered_by_phone(event, coordinator, caller):
    registration = registration_create(
        event=event,
        original_start=WEDNESDAY,
        name=caller.name,
        phone="021 555 99 99",
        channel="phone",
        now=NOW,
    )
    post = posts.post_create_for_caller(
        caller=caller,
        coordinator=coordinator,
        data=PostInput(
            direction="request",
            category="accompany",
            title="Accompagner Mme Pittet",
            neighbourhood=caller.neighbourhood,
            event=event,
            occurrence_day=WEDNESDAY.date(),
        ),
        key="phone-1",
        follow_up_on=None,
    )
    helper = posts.caller_create(
        municipality=event.municipality,
        coordinator=coordinator,
        name="Marc Aidant",
        phone="079 111 22 33",
        address="",
        neighbourhood=caller.neighbourhood,
        channel="phone",
    )
    posts.post_match_by_phone(post=post, helper=helper, coordinator=coordinator)
    registration.refresh_from_db()
    assert registration.accompanied
    posts.post_close(
        post=post, target="cancelled", actor_user=coordinator, role=workflow.COORDINATOR
    )
    registration.refresh_from_db()
    assert not registration.accompanied


def test_another_request_leaves_registrations_alone(event, alice, bruno):
    registration = registration_create(
        event=event, original_start=WEDNESDAY, name="Alice", user=alice.user, now=NOW
    )
    shopping = posts.post_create(
        neighbour=alice,
        data=PostInput(
            direction="request",
            category="shopping",
            title="Courses",
            neighbourhood=alice.neighbourhood,
        ),
        key="s",
        now=NOW,
    )
    answer = posts.answer_create(post=shopping, neighbour=bruno, note="")
    posts.post_match(post=shopping, answer=answer, actor_user=alice.user, role=workflow.AUTHOR)
    registration.refresh_from_db()
    assert not registration.accompanied
    assert Post.objects.get(pk=shopping.pk).status == "matched"


def test_the_coordinator_enters_a_companion_request_for_a_caller_from_the_event(
    staff_client, event, coordinator, time_machine
):
    time_machine.move_to(NOW, tick=False)
    desk = staff_client(coordinator)
    body = desk.get(f"/pully/agenda/activities/{event.pk}/").content.decode()
    link = f"/pully/help/desk/phone/?event={event.pk}&amp;day=2026-11-11"
    assert link in body and "Saisir une demande d'accompagnement" in html.unescape(body)
    form = desk.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="accompany" selected' in form and 'value="2026-11-11"' in form
