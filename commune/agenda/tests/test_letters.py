"""Letters for people without e-mail or mobile phone: queued when registered at the counter,
printed in the day's batch as one PDF (14 pt and more, the address in the envelope's window),
each letter once however often the batch is printed; the page is the town staff's."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from commune.accounts.tests.factories import UserFactory
from commune.agenda.letters import WINDOW, letters_pdf
from commune.agenda.models.registration import RegistrationLetter
from commune.agenda.services.letters import letter_batch_print
from commune.agenda.services.registrations import registration_create
from commune.tenants.scoping import scope

from .conftest import NOW, at
from .factories import EventFactory

ADDRESS = "Chemin des Roses 3\n1009 Pully"


@pytest.fixture
def event(in_town, venue):
    return EventFactory(municipality=in_town, venue=venue, capacity=5, title="Thé dansant")


def counter(event, name, address=ADDRESS, **extra):
    return registration_create(
        event=event,
        original_start=at(2026, 10, 14),
        name=name,
        phone="021 555 12 34",
        address=address,
        channel="counter",
        now=NOW,
        **extra,
    )


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def font_sizes(pdf: bytes) -> list[float]:
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append(font_size * abs(tm[3]) * abs(cm[3]))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_a_registration_without_email_or_mobile_queues_a_letter_in_the_days_batch(
    event, moderator, django_capture_on_commit_callbacks, smtp_server
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        rose = counter(event, "Rose Cuénod")
    [letter] = RegistrationLetter.objects.all()
    assert (letter.registration, letter.kind, letter.printed_on) == (rose, "confirmed", None)
    # when: the batch is printed twice the same day, with a new letter in between
    day = dt.date(2026, 9, 1)
    first = letter_batch_print(municipality=event.municipality, user=moderator, day=day)
    with django_capture_on_commit_callbacks(execute=True):
        paul = counter(event, "Paul Rey", address="Rue du Lac 1\n1009 Pully")
    again = letter_batch_print(municipality=event.municipality, user=moderator, day=day)
    # then: each letter is in the day's batch once; the next day's batch is empty
    assert [x.registration for x in first] == [rose]
    assert [x.registration for x in again] == [rose, paul]
    assert RegistrationLetter.objects.count() == 2
    assert (
        letter_batch_print(
            municipality=event.municipality, user=moderator, day=day + dt.timedelta(days=1)
        )
        == []
    )
    assert smtp_server.messages == []


def test_the_batch_pdf_holds_each_letter_in_14_pt_and_more_and_staff_only_see_it(
    event, moderator, staff_client, client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(NOW, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        counter(event, "Rose Cuénod")
        counter(event, "Paul Rey", address="Rue du Lac 1\n1009 Pully")
    page = "/pully/agenda/manage/letters/"
    staff = staff_client(moderator)
    listing = staff.get(page).content.decode()
    assert "Rose Cuénod" in listing and "Imprimer 2 lettres (PDF)" in listing
    # when
    printed = staff.post(page)
    assert printed.status_code == 302 and printed["Location"].endswith("/2026-09-01.pdf")
    pdf = staff.get(printed["Location"]).content
    reprinted = staff.post(page)
    # then
    assert staff.get(reprinted["Location"]).content == pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    text = text_of(pdf)
    assert text.count("Rose Cuénod") == 1 and "Chemin des Roses 3 1009 Pully" in text
    assert "Thé dansant" in text and "14.10.2026, 14:00" in text and "Maison pour Tous" in text
    assert min(font_sizes(pdf)) >= 14
    assert "Aucune lettre en attente." in staff.get(page).content.decode()
    # a wrong day, another day: 404; not the town's staff: 403
    assert staff.get(page + "2026-13-01.pdf").status_code == 404
    assert staff.get(page + "2026-09-02.pdf").status_code == 404
    client.force_login(UserFactory())
    assert client.get(page).status_code == 403


def test_the_address_sits_in_the_envelope_window(
    event, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        counter(event, "Rose Cuénod")
    batch = letter_batch_print(municipality=event.municipality, user=moderator, day=NOW.date())
    pdf = letters_pdf(letters=batch, town=event.municipality)
    places = []

    def visit(text, cm, tm, font_dict, font_size):
        if "Rose" in text or "Roses" in text:
            places.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    x, y, width, height = WINDOW
    assert places and all(x <= px <= x + width and y <= py <= y + height for px, py in places)


def test_another_towns_letters_never_join_the_batch(
    event, moderator, town_b, django_capture_on_commit_callbacks
):
    # given: a letter queued in Lutry
    with scope(town_b), django_capture_on_commit_callbacks(execute=True):
        lutry = EventFactory(municipality=town_b, capacity=5)
        counter(lutry, "Personne de Lutry")
    with django_capture_on_commit_callbacks(execute=True):
        counter(event, "Rose Cuénod")
    # when: Pully prints its batch
    batch = letter_batch_print(municipality=event.municipality, user=moderator, day=NOW.date())
    # then
    assert [x.registration.name for x in batch] == ["Rose Cuénod"]
    with scope(town_b):
        assert RegistrationLetter.objects.get().printed_on is None
