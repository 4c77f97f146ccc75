"""Confirmations for people without e-mail: one place decides the channel (e-mail, else SMS to
a mobile number, else a letter); the SMS reaches a real local provider (an HTTP server that
records it) with the number and the activity, date and place; a place offered from the
waitlist says whom to call and until when; nobody without e-mail is ever mailed."""

import html

import pytest
from django.utils import translation

from commune.accounts.tests.factories import UserFactory
from commune.agenda.models import DateChange, Registration
from commune.agenda.models.registration import RegistrationLetter
from commune.agenda.services.notify import registration_channel
from commune.agenda.services.registrations import registration_cancel, registration_create
from commune.core.tests.sms_provider import SmsProviderServer, sms_provider  # noqa: F401

from .conftest import NOW, at
from .factories import EventFactory, VenueFactory

WEDNESDAY = at(2026, 10, 14)


@pytest.fixture
def event(in_town, venue):
    return EventFactory(municipality=in_town, venue=venue, capacity=1, title="Repas des aînés")


@pytest.fixture
def clerk(in_town):
    return UserFactory(full_name="Guichet Pully", phone="021 721 31 11", email="g@pully.ch")


def on_behalf(event, clerk, name, **extra):
    extra.setdefault("channel", "counter")
    return registration_create(
        event=event, original_start=WEDNESDAY, name=name, now=NOW, registered_by=clerk, **extra
    )


def test_one_place_decides_the_channel():
    def channel(**fields):
        return registration_channel(Registration(**fields))

    assert channel(email="a@example.ch", phone="079 123 45 67", address="Rue 1") == "mail"
    assert channel(phone="+41791234567", address="Rue 1") == "sms"
    assert channel(phone="+41215551234", address="Rue 1\n1009 Pully") == "letter"
    assert channel(phone="+41215551234") is None


def test_a_senior_registered_at_the_counter_gets_an_sms_and_no_mail(
    event,
    clerk,
    sms_provider,  # noqa: F811
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # when
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        registration = on_behalf(event, clerk, "Madeleine Favre", phone="079 555 12 34")
    # then
    assert registration.phone == "+41795551234" and registration.status == "confirmed"
    [sms] = sms_provider.wait_for(1)
    assert sms.fields["to"] == "+41795551234"
    text = sms.fields["text"]
    assert "Repas des ainés" in text and "14.10.2026 14:00" in text
    assert "Maison pour Tous" in text and "Avenue du Prieuré 2" in text
    assert text.startswith("Pully: inscription confirmée pour")
    assert len(text) <= 160
    assert smtp_server.messages == []
    assert not RegistrationLetter.objects.exists()


def test_a_place_freed_is_offered_by_sms_with_whom_to_call_and_until_when(
    event,
    clerk,
    sms_provider,  # noqa: F811
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # given: the only place is taken, Mme Favre waits (told so by SMS)
    first = registration_create(event=event, original_start=WEDNESDAY, name="Anne", now=NOW)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        waiting = on_behalf(event, clerk, "Madeleine Favre", phone="0795551234", channel="phone")
    assert waiting.status == "waiting"
    [told] = sms_provider.wait_for(1)
    assert "liste d'attente" in told.fields["text"]
    # when: the first person cancels
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, now=NOW)
    # then: the offer goes by SMS, with the clerk's number and the offer's end
    offer = sms_provider.wait_for(2)[1]
    assert offer.fields["to"] == "+41795551234"
    assert "+41 21 721 31 11" in offer.fields["text"]
    assert "02.09. 09:00" in offer.fields["text"]  # NOW + 24 hours, Zurich time
    assert smtp_server.messages == []


def test_someone_with_an_email_registered_on_behalf_is_mailed_not_texted(
    event,
    clerk,
    sms_provider,  # noqa: F811
    smtp_server,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        on_behalf(event, clerk, "Luc", phone="079 555 12 34", email="luc@example.ch")
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "luc@example.ch" and "Repas des aînés" in mail["Subject"]
    assert sms_provider.received == []


def test_a_landline_and_an_address_get_a_letter_and_a_refused_sms_falls_back_to_one(
    event, clerk, settings, smtp_server, django_capture_on_commit_callbacks
):
    # a landline: the letter is queued
    with django_capture_on_commit_callbacks(execute=True):
        landline = on_behalf(
            event,
            clerk,
            "Rose Cuénod",
            phone="021 555 12 34",
            address="Ch. des Roses 3\n1009 Pully",
        )
    assert [(x.registration, x.kind) for x in RegistrationLetter.objects.all()] == [
        (landline, "confirmed")
    ]
    # the provider refuses an SMS: a person with an address gets a letter instead
    refusing = SmsProviderServer(status=503).start()
    settings.SMS_BACKEND = "commune.core.sms.HttpBackend"
    settings.SMS_HTTP_URL = refusing.url
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mobile = on_behalf(
                event, clerk, "Paul Rey", phone="079 000 00 00", address="Rue du Lac 1\n1009 Pully"
            )
        refusing.wait_for(1)
    finally:
        refusing.stop()
    assert RegistrationLetter.objects.filter(registration=mobile, kind="waiting").exists()
    assert smtp_server.messages == []


def test_the_counter_page_refuses_a_wrong_number_in_french_and_says_how_the_person_is_told(
    django_capture_on_commit_callbacks,
    event,
    member,
    association,
    staff_client,
    time_machine,
    sms_provider,  # noqa: F811
):
    time_machine.move_to(NOW, tick=False)
    event.organisation = association
    event.save()
    organiser = staff_client(member)
    page = f"/pully/agenda/mine/{event.pk}/attendees/"
    wrong = organiser.post(
        page,
        {"occurrence": "20261014T1400", "name": "Rose", "phone": "021 55", "channel": "counter"},
    )
    assert wrong.status_code == 400
    assert "pas un numéro de téléphone suisse" in html.unescape(wrong.content.decode())
    assert not Registration.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.post(
            page,
            {
                "occurrence": "20261014T1400",
                "name": "Rose",
                "phone": "079 1234567",
                "channel": "phone",
            },
            follow=True,
        )
    assert "La confirmation part par SMS." in done.content.decode()
    [sms] = sms_provider.wait_for(1)
    assert sms.fields["to"] == "+41791234567"


def test_the_organiser_takes_an_offered_place_for_someone_who_called(
    event, member, association, staff_client, time_machine
):
    time_machine.move_to(NOW, tick=False)
    event.organisation = association
    event.save()
    first = registration_create(event=event, original_start=WEDNESDAY, name="Anne", now=NOW)
    waiting = registration_create(
        event=event,
        original_start=WEDNESDAY,
        name="Rose",
        now=NOW,
        phone="021 555 12 34",
        channel="phone",
    )
    registration_cancel(registration=first, now=NOW)
    organiser = staff_client(member)
    page = f"/pully/agenda/mine/{event.pk}/attendees/"
    assert "Prendre la place pour Rose" in organiser.get(page).content.decode()
    organiser.post(f"{page}{waiting.pk}/confirm/")
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    # another organisation's member cannot
    other = UserFactory()
    organiser.force_login(other)
    assert organiser.post(f"{page}{waiting.pk}/confirm/").status_code == 404


def test_the_sms_gives_a_moved_dates_new_time_and_venue(
    event,
    clerk,
    sms_provider,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given: the 14 October is moved to Thursday 15, 10:00, at the library
    library = VenueFactory(municipality=event.municipality, name="Bibliothèque", address="")
    DateChange.objects.create(
        municipality=event.municipality,
        event=event,
        original_start=WEDNESDAY,
        starts_at=at(2026, 10, 15, 10),
        venue=library,
    )
    # when
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        on_behalf(event, clerk, "Madeleine Favre", phone="079 555 12 34")
    # then
    [sms] = sms_provider.wait_for(1)
    assert "15.10.2026 10:00, Bibliothèque." in sms.fields["text"]
