"""The time to take an offered place follows the channel that tells the person (decision
0016): 24 h by e-mail or SMS, by letter the end of the 4th working day (the canton's holidays
skipped), never past the date's start; the letter states it. Nobody is left untold: an SMS
the provider refuses (a real local HTTP provider answering 503) becomes a call for staff when
there is no address, listed with the phone and what to say until someone marks it done."""

import datetime as dt
import html

import pytest
from django.utils import translation

from commune.accounts.tests.factories import UserFactory
from commune.agenda.letters import letters_pdf
from commune.agenda.models.registration import RegistrationCall, RegistrationLetter
from commune.agenda.services.notify import offer_deadline
from commune.agenda.services.registrations import (
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_offers_expire,
)
from commune.core.tests.sms_provider import SmsProviderServer

from .conftest import at
from .factories import EventFactory
from .test_letters import text_of

pytestmark = pytest.mark.clock

#: Wednesday 16 September 2026, 10:00: Monday 21 is Vaud's Lundi du Jeûne (no post, no office).
OFFERED_AT = at(2026, 9, 16, 10)
DATE = at(2026, 10, 14)


@pytest.fixture
def event(in_town, venue):
    return EventFactory(municipality=in_town, venue=venue, capacity=1, title="Repas des aînés")


@pytest.fixture
def clerk(in_town):
    return UserFactory(full_name="Guichet Pully", phone="021 721 31 11", email="g@pully.ch")


def on_behalf(event, clerk, name, start=DATE, **extra):
    return registration_create(
        event=event,
        original_start=start,
        name=name,
        now=OFFERED_AT - dt.timedelta(days=7),
        registered_by=clerk,
        channel="phone",
        **extra,
    )


def test_the_time_to_confirm_follows_the_channel_and_never_passes_the_date():
    far = at(2026, 12, 1)
    assert offer_deadline(channel="mail", now=OFFERED_AT, starts=far, canton="VD") == (
        OFFERED_AT + dt.timedelta(hours=24)
    )
    assert offer_deadline(channel="sms", now=OFFERED_AT, starts=far, canton="VD") == (
        OFFERED_AT + dt.timedelta(hours=24)
    )
    # Thu 17, Fri 18, (weekend, Jeûne fédéral), Tue 22, Wed 23 at the office's closing
    assert offer_deadline(channel="letter", now=OFFERED_AT, starts=far, canton="VD") == at(
        2026, 9, 23, 18
    )
    # Geneva has no holiday on that Monday
    assert offer_deadline(channel="letter", now=OFFERED_AT, starts=far, canton="GE") == at(
        2026, 9, 22, 18
    )
    # a call staff must make: the next working day; offered on a Friday evening, Monday
    assert offer_deadline(channel="call", now=OFFERED_AT, starts=far, canton="VD") == at(
        2026, 9, 17, 18
    )
    friday = at(2026, 9, 25, 19)
    assert offer_deadline(channel=None, now=friday, starts=far, canton="VD") == at(2026, 9, 28, 18)
    # never past the date's start
    soon = at(2026, 9, 18, 14)
    assert offer_deadline(channel="letter", now=OFFERED_AT, starts=soon, canton="VD") == soon


def test_a_place_offered_by_letter_can_be_taken_by_phone_days_later(
    event, clerk, django_capture_on_commit_callbacks, smtp_server
):
    # given: the only place is taken, Rose (a landline and an address) waits
    first = on_behalf(event, clerk, "Anne", email="anne@example.ch")
    rose = on_behalf(
        event, clerk, "Rose Cuénod", phone="021 555 12 34", address="Ch. des Roses 3\n1009 Pully"
    )
    assert rose.status == "waiting"
    # when: Anne cancels on Wednesday 16 September
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, now=OFFERED_AT)
    # then: the offer holds until Wednesday 23, 18:00, and the letter says so
    rose.refresh_from_db()
    assert rose.status == "offered" and rose.offered_until == at(2026, 9, 23, 18)
    letter = RegistrationLetter.objects.get(registration=rose, kind="offered")
    with translation.override("fr"):
        text = text_of(letters_pdf(letters=[letter], town=event.municipality))
    assert "23.09.2026 18:00" in text and "+41 21 721 31 11" in text
    # the letter arrives on Tuesday (the holiday in between): the offer has not expired
    assert registration_offers_expire(municipality=event.municipality, now=at(2026, 9, 22, 9)) == 0
    # Rose phones on Wednesday afternoon: the clerk takes the place for her
    taken = registration_confirm(registration=rose, now=at(2026, 9, 23, 17, 30), user=clerk)
    assert taken.status == "confirmed"


def test_a_letter_offer_for_a_date_two_days_away_ends_at_its_start(event, clerk):
    friday = at(2026, 9, 18, 14)
    event.rdates = ["2026-09-18T14:00"]
    event.save()
    first = on_behalf(event, clerk, "Anne", start=friday, email="anne@example.ch")
    rose = on_behalf(event, clerk, "Rose", start=friday, address="Ch. des Roses 3\n1009 Pully")
    registration_cancel(registration=first, now=OFFERED_AT)
    rose.refresh_from_db()
    assert rose.offered_until == friday


def test_a_refused_sms_without_an_address_is_put_in_front_of_staff_until_called(
    event,
    clerk,
    settings,
    smtp_server,
    staff_client,
    moderator,
    town_b,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(OFFERED_AT, tick=False)
    refusing = SmsProviderServer(status=503).start()
    settings.SMS_BACKEND = "commune.core.sms.HttpBackend"
    settings.SMS_HTTP_URL = refusing.url
    try:
        first = on_behalf(event, clerk, "Anne", email="anne@example.ch")
        # Paul has a mobile and nothing else; his "you wait" SMS is refused
        with django_capture_on_commit_callbacks(execute=True):
            paul = on_behalf(event, clerk, "Paul Rey", phone="079 000 00 00")
        refusing.wait_for(1)
        # Anne cancels: the offer's SMS is refused too
        with django_capture_on_commit_callbacks(execute=True):
            registration_cancel(registration=first, now=OFFERED_AT)
        refusing.wait_for(2)
    finally:
        refusing.stop()
    calls = list(RegistrationCall.objects.filter(registration=paul).order_by("pk"))
    assert [(c.kind, c.reason) for c in calls] == [
        ("waiting", "sms_failed"),
        ("offered", "sms_failed"),
    ]
    assert not RegistrationLetter.objects.exists() and smtp_server.messages == []
    # the offer waits for the call: the next working day's end, not 24 h
    paul.refresh_from_db()
    assert paul.status == "offered" and paul.offered_until == at(2026, 9, 17, 18)
    offer = calls[1]
    assert "+41 21 721 31 11" in offer.message and "17.09. 18:00" in offer.message
    # the moderator (the counter) and the organiser see whom to call and what to say
    client = staff_client(moderator)
    page = client.get("/pully/agenda/manage/letters/").content.decode()
    assert "Paul Rey" in page and "+41790000000" in page
    assert html.escape(offer.message) in page
    attendees = f"/pully/agenda/mine/{event.pk}/attendees/"
    assert html.escape(offer.message) in client.get(attendees).content.decode()
    # marked done (twice: one record), the call leaves the lists
    done = f"/pully/agenda/manage/calls/{offer.pk}/done/"
    answer = client.post(done, {"next": "/pully/agenda/manage/letters/"})
    assert answer.status_code == 302 and answer["Location"] == "/pully/agenda/manage/letters/"
    client.post(done, {"next": "https://evil.example/"})
    offer.refresh_from_db()
    assert offer.done_at == OFFERED_AT and offer.done_by == moderator
    page = client.get("/pully/agenda/manage/letters/").content.decode()
    assert html.escape(offer.message) not in page
    assert html.escape(calls[0].message) in page
    # someone who is neither the organiser nor a moderator, and another town: 404
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.post(f"/pully/agenda/manage/calls/{calls[0].pk}/done/").status_code == 404
    client = staff_client(moderator)
    assert client.post(f"/lutry/agenda/manage/calls/{calls[0].pk}/done/").status_code == 404


def test_a_place_offered_to_someone_with_only_a_landline_is_a_call_to_make(
    event, clerk, django_capture_on_commit_callbacks, smtp_server
):
    first = on_behalf(event, clerk, "Anne", email="anne@example.ch")
    with django_capture_on_commit_callbacks(execute=True):
        rose = on_behalf(event, clerk, "Rose", phone="021 555 12 34")
    # staff registered her and were told on the spot: no call for "you wait"
    assert not RegistrationCall.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, now=OFFERED_AT)
    [call] = RegistrationCall.objects.all()
    assert (call.registration, call.kind, call.reason) == (rose, "offered", "no_channel")
    rose.refresh_from_db()
    assert rose.offered_until == at(2026, 9, 17, 18)
