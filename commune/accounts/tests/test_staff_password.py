"""Staff are created without a password (staff_create) and choose one from a mailed link: they
always have a way in, even once that link has expired or when another town adds them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from commune.accounts.models import Role, User
from commune.accounts.services import role_grant, staff_create
from commune.accounts.tests.factories import UserFactory

from .conftest import link_in, path_of

# Moves the clock past the link's validity (docs/testing.md).
pytestmark = pytest.mark.clock

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Zurich"))


def new_staff(town, email="agent@pully.example.ch") -> User:
    user = staff_create(municipality=town, actor=None, email=email, full_name="Paul Agent")
    role_grant(municipality=town, actor=None, user=user, role=Role.PERMIT_OFFICER)
    return user


def choose_password(client, message, new) -> bool:
    """Open the mail's link and choose `new`; False when the link is no longer valid."""
    page = client.get(path_of(link_in(client.smtp.text_of(message))), follow=True)
    if not page.context["validlink"]:
        return False
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    return True


@pytest.fixture
def browser(client, smtp_server):
    client.smtp = smtp_server
    return client


def test_once_the_welcome_link_has_expired_forgotten_password_sends_a_new_one(
    browser, town_a, smtp_server, time_machine, django_capture_on_commit_callbacks
):
    # given: a new staff member, welcomed on Monday, who did not open the link in time
    time_machine.move_to(MONDAY, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        person = new_staff(town_a)
    [welcome] = smtp_server.wait_for(1)
    later = MONDAY + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 3600)
    time_machine.move_to(later, tick=False)
    assert not choose_password(browser, welcome, "trop-tard-pour-ce-lien")
    # when: they ask for a new password on the login page's link
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/accounts/password/reset/", {"email": "Agent@Pully.example.ch"})
    # then: a new link, which works
    [_welcome, reset] = smtp_server.wait_for(2)
    assert reset["To"] == "agent@pully.example.ch"
    assert choose_password(browser, reset, "enfin-un-mot-de-passe")
    person.refresh_from_db()
    assert person.check_password("enfin-un-mot-de-passe")


def test_an_account_without_a_password_that_is_not_staff_still_gets_no_reset_mail(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    # given: an account whose password was switched off (Django's rule: no reset for it)
    user = UserFactory(email="societe@example.ch", kind=User.Kind.COMPANY)
    user.set_unusable_password()
    user.save()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "societe@example.ch"})
    # then
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_a_person_without_a_password_added_by_another_town_gets_that_towns_link(
    browser, town_a, town_b, smtp_server, time_machine, django_capture_on_commit_callbacks
):
    # given: Pully's new staff member, whose welcome expired unused
    time_machine.move_to(MONDAY, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        person = new_staff(town_a)
    smtp_server.wait_for(1)
    time_machine.move_to(MONDAY + dt.timedelta(days=10), tick=False)
    # when: Lutry gives them a role too
    with django_capture_on_commit_callbacks(execute=True):
        again = new_staff(town_b, email="agent@pully.example.ch")
    # then: the same account, and Lutry's welcome with a link that works
    assert again == person
    [_pully, lutry] = smtp_server.wait_for(2)
    assert lutry["Subject"] == "Votre compte du personnel pour Lutry"
    assert choose_password(browser, lutry, "un-mot-de-passe-choisi")
    person.refresh_from_db()
    assert person.check_password("un-mot-de-passe-choisi")


def test_a_person_who_has_a_password_is_not_mailed_when_another_town_adds_them(
    town_a, town_b, smtp_server, django_capture_on_commit_callbacks
):
    # given: staff of Pully who chose a password
    UserFactory(email="agent@pully.example.ch", kind=User.Kind.STAFF)
    # when: Lutry adds them
    with django_capture_on_commit_callbacks(execute=True):
        new_staff(town_b, email="agent@pully.example.ch")
    # then
    assert smtp_server.wait_for(1, timeout=0.5) == []
