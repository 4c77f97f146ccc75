"""The weekly e-mail digest through a real SMTP server (aiosmtpd): double opt-in, RFC 8058
one-click unsubscription (List-Unsubscribe with an https link, List-Unsubscribe-Post; a POST
with no log-in and no CSRF token ends it), the weekly job sends each subscriber the week's
dates of their categories once per week, and nothing more after unsubscribing."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from commune.agenda import digest
from commune.agenda.models import DateChange, DigestSubscription
from commune.agenda.tasks import agenda_digest_tick
from commune.core import schedule
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import EventFactory

pytestmark = pytest.mark.clock

#: Monday 12 October 2026, 08:00 in Zurich: the digest of that week goes out.
MONDAY = at(2026, 10, 12, 8)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(name, town="pully", **kwargs):
    return reverse(f"agenda:digest:{name}", kwargs={"town": town, **kwargs})


def link(text: str, kind: str) -> str:
    """The path of the first /digest/<kind>/<token>/ link in a mail."""
    found = re.search(r"https?://[^/\s]+(/\S+/digest/" + kind + r"/[^/\s]+/)", text)
    assert found, text
    return found.group(1)


@pytest.fixture
def subscriber(in_town):
    """Anne, confirmed, for music and walks, in French."""
    return DigestSubscription.objects.create(
        municipality=in_town,
        email="anne@example.ch",
        categories=["music", "outing"],
        language="fr",
        confirmed_at=NOW,
    )


@pytest.fixture
def week(in_town, town_b, venue):
    """Music on Wednesdays (the 14th cancelled), a meal, and Lutry's concert that week."""
    concert = EventFactory(
        municipality=in_town, venue=venue, title="Concert du mercredi", category="music"
    )
    DateChange.objects.create(
        municipality=in_town, event=concert, original_start=at(2026, 10, 14), cancelled=True
    )
    EventFactory(
        municipality=in_town,
        venue=venue,
        title="Balade du jeudi",
        category="outing",
        starts_at=at(2026, 10, 15, 9),
        rrule="",
    )
    EventFactory(municipality=in_town, venue=venue, title="Repas partagé", category="meal")
    with scope(town_b):
        EventFactory(municipality=town_b, title="Concert de Lutry", category="music")
    return in_town


def test_subscribing_is_confirmed_by_the_link_mailed(
    client, in_town, smtp_server, django_capture_on_commit_callbacks
):
    # when: a visitor subscribes
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("subscribe"),
            {"email": " Rita@Example.CH ", "categories": ["music", "meal"], "language": "de"},
        )
    # then: a link is mailed, nothing is stored yet
    assert response.status_code == 302 and response["Location"] == url("sent")
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "rita@example.ch"
    assert not DigestSubscription.objects.exists()
    confirm = link(smtp_server.text_of(mail), "confirm")
    # opening the link shows the choices and changes nothing (mail scanners open links)
    page = client.get(confirm, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "rita@example.ch" in page.content.decode()
    assert not DigestSubscription.objects.exists()
    # when: the button is pressed
    done = client.post(confirm)
    # then
    assert done.status_code == 200
    subscription = DigestSubscription.objects.get()
    assert subscription.email == "rita@example.ch"
    assert subscription.categories == ["meal", "music"] and subscription.language == "de"
    assert subscription.is_active and subscription.confirmed_at == NOW


def test_a_confirmation_link_expires_and_is_bound_to_its_town(
    client, in_town, town_b, time_machine
):
    token = digest.confirm_token(
        municipality=in_town, email="x@example.ch", categories=["music"], language="fr"
    )
    # another town's page does not take it
    assert client.post(url("confirm", town="lutry", token=token)).status_code == 400
    # altered
    assert client.post(url("confirm", token=token[:-2] + "xx")).status_code == 400
    # a week and a day later
    time_machine.move_to(NOW + dt.timedelta(days=8), tick=False)
    response = client.post(url("confirm", token=token), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_a_wrong_address_or_no_category_is_a_clear_error(client, in_town, smtp_server):
    response = client.post(
        url("subscribe"),
        {"email": "not-an-address", "categories": [], "language": "fr"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Choose at least one kind of activity." in html
    assert smtp_server.messages == []


def test_the_weekly_digest_has_one_click_unsubscription_and_is_sent_once(
    week, subscriber, smtp_server
):
    # when: the weekly job runs on Monday morning
    assert agenda_digest_tick.call(now=MONDAY.isoformat()) == 1
    # then
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "anne@example.ch"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = re.fullmatch(
        r"<(https?://[^>]+/pully/agenda/digest/unsubscribe/[^/]+/)>",
        mail["List-Unsubscribe"].strip(),
    )
    assert header, mail["List-Unsubscribe"]
    text = smtp_server.text_of(mail)
    assert "Concert du mercredi" in text and "Balade du jeudi" in text
    assert "Annulé" in text  # the 14th, in French
    assert "Repas partagé" not in text  # not a chosen category
    assert "Concert de Lutry" not in text  # another town
    assert header.group(1) in text and header.group(1) in smtp_server.html_of(mail)
    # when: the job runs again that week (a second scheduler, a restart, Wednesday)
    assert agenda_digest_tick.call(now=MONDAY.isoformat()) == 0
    assert agenda_digest_tick.call(now=(MONDAY + dt.timedelta(days=2)).isoformat()) == 0
    # then: still one mail
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    # the next week, the next digest
    assert agenda_digest_tick.call(now=(MONDAY + dt.timedelta(days=7)).isoformat()) == 1


def test_one_click_post_unsubscribes_without_login_or_csrf_and_stops_the_next_digest(
    week, subscriber, smtp_server
):
    agenda_digest_tick.call(now=MONDAY.isoformat())
    [mail] = smtp_server.wait_for(1)
    target = re.fullmatch(r"<https?://[^/]+(/.+)>", mail["List-Unsubscribe"].strip()).group(1)
    # when: the mail client POSTs as RFC 8058 says, with no cookie and no CSRF token
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        target,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    # then
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == NOW and not subscriber.is_active
    # and the next week's digest is not sent
    assert agenda_digest_tick.call(now=(MONDAY + dt.timedelta(days=7)).isoformat()) == 0
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(
    client, subscriber, town_b
):
    token = digest.unsubscribe_token(subscriber)
    page = client.get(url("unsubscribe", token=token), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post">' in html and "Unsubscribe" in html
    subscriber.refresh_from_db()
    assert subscriber.is_active
    # Pully's token on Lutry's pages, or altered: a clear page, nothing changed
    assert client.post(url("unsubscribe", town="lutry", token=token)).status_code == 400
    assert client.post(url("unsubscribe", token=token + "x")).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.is_active


def test_nothing_is_sent_before_monday_seven_or_to_the_unconfirmed(week, subscriber, smtp_server):
    DigestSubscription.objects.create(
        municipality=week, email="pending@example.ch", categories=["music"]
    )
    assert agenda_digest_tick.call(now=at(2026, 10, 12, 6, 30).isoformat()) == 0
    assert agenda_digest_tick.call(now=MONDAY.isoformat()) == 1
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["anne@example.ch"]


def test_the_digest_job_is_scheduled_hourly(db):
    jobs = schedule.registered()
    assert jobs[agenda_digest_tick.module_path][1] == dt.timedelta(hours=1)
