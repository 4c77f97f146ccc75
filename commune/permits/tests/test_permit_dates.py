"""After the grant, the permit's dates count (issue 8): the verification page (the QR code's)
says from when to when the permit is valid, "not yet valid" before its first day and "expired"
after its last, days counted in Zurich; the applicant's declarations of the works follow the
permit's dates and their own order."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from commune.permits.models import PermitRequest
from commune.permits.public.verification import verify_token
from commune.permits.services.works import works_end, works_reinstate, works_start
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

from .conftest import ZURICH

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
FIRST_DAY = dt.date(2026, 9, 1)  # valid from Tuesday 1 to Sunday 6 September 2026
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zurich(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZURICH)


@pytest.fixture
def permit(town_a, applicant):
    with scope(town_a):
        return work(town_a, start=FIRST_DAY, days=5, applicant=applicant)


def _verify(client, permit, language="fr") -> str:
    response = client.get(
        f"/pully/works/verify/{verify_token(permit)}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- the verification page ------------------------------------------------------------------


def test_before_its_first_day_a_permit_is_not_yet_valid(client, permit, time_machine):
    # given the last evening before the first day, in Zurich (21:30 UTC)
    time_machine.move_to(zurich(dt.date(2026, 8, 31), 23, 30), tick=False)

    # when anyone scans the permit's QR code
    page = _verify(client, permit)

    # then the page says it is not valid yet, and from when to when it is
    assert "Pas encore valide" in page
    assert "Ce permis n'est pas encore valide : il est valide du 1 septembre 2026 au " in page
    assert "badge ok" not in page


def test_from_its_first_day_in_zurich_a_permit_is_valid_from_to(client, permit, time_machine):
    # given half past midnight on the first day in Zurich (still 31 August in UTC)
    time_machine.move_to(zurich(FIRST_DAY, 0, 30), tick=False)

    page = _verify(client, permit)

    assert "Ce permis est valide du 1 septembre 2026 au 6 septembre 2026." in page
    assert "badge ok" in page


def test_after_its_last_day_in_zurich_a_permit_is_expired(client, permit, time_machine):
    # given half past midnight the day after the last day in Zurich (still 6 September in UTC)
    time_machine.move_to(zurich(dt.date(2026, 9, 7), 0, 30), tick=False)

    page = _verify(client, permit)

    assert "Expiré" in page
    assert "Ce permis est expiré : il était valide du 1 septembre 2026 au 6 septembre 2026." in page
    assert "badge ok" not in page


def test_the_verification_page_speaks_the_readers_language(client, permit, time_machine):
    time_machine.move_to(zurich(dt.date(2026, 8, 20), 12), tick=False)

    page = _verify(client, permit, language="de")

    assert "Noch nicht gültig" in page
    assert "Diese Bewilligung ist noch nicht gültig: Sie gilt vom 1. September 2026" in page


# --- the works declared by the applicant ----------------------------------------------------


def _start(client, permit):
    return client.post(
        f"/pully/permits/{permit.pk}/works/start/", HTTP_ACCEPT_LANGUAGE="fr", follow=True
    )


def test_works_do_not_start_before_the_permits_first_day_and_the_applicant_reads_from_when(
    client, permit, applicant, time_machine
):
    # given the evening before the first day, in Zurich
    time_machine.move_to(zurich(dt.date(2026, 8, 31), 23, 30), tick=False)
    client.force_login(applicant)

    # when the applicant declares the start of the works
    response = _start(client, permit)

    # then it is refused, saying from when the works may start
    assert (
        "Les travaux peuvent commencer dès le 1 septembre 2026, premier jour du permis."
        in html.unescape(response.content.decode())
    )
    with scope(permit.municipality):
        assert PermitRequest.objects.get(pk=permit.pk).status == Status.GRANTED


def test_works_start_on_the_permits_first_day_in_zurich(client, permit, applicant, time_machine):
    time_machine.move_to(zurich(FIRST_DAY, 0, 30), tick=False)
    client.force_login(applicant)

    _start(client, permit)

    with scope(permit.municipality):
        assert PermitRequest.objects.get(pk=permit.pk).status == Status.WORKS_STARTED


def test_works_do_not_start_once_the_permit_has_expired(client, permit, applicant, time_machine):
    time_machine.move_to(zurich(dt.date(2026, 9, 7), 8), tick=False)
    client.force_login(applicant)

    response = _start(client, permit)

    assert (
        "Ce permis était valide jusqu'au 6 septembre 2026 : demandez une prolongation avant "
        "de commencer les travaux." in html.unescape(response.content.decode())
    )
    with scope(permit.municipality):
        assert PermitRequest.objects.get(pk=permit.pk).status == Status.GRANTED


def test_the_end_of_the_works_is_not_declared_before_their_start(permit, applicant):
    with scope(permit.municipality), translation.override("fr"):
        works_start(permit=permit, applicant=applicant, now=zurich(dt.date(2026, 9, 2), 10))

        with pytest.raises(ValidationError) as refused:
            works_end(permit=permit, applicant=applicant, now=zurich(dt.date(2026, 9, 2), 9))

        assert refused.value.messages == [
            "La fin des travaux ne peut pas précéder leur début (2 septembre 2026)."
        ]
        assert PermitRequest.objects.get(pk=permit.pk).status == Status.WORKS_STARTED


def test_the_reinstatement_is_not_declared_before_the_works_start_or_end(permit, applicant):
    with scope(permit.municipality), translation.override("fr"):
        works_start(permit=permit, applicant=applicant, now=zurich(dt.date(2026, 9, 2), 10))
        works_end(permit=permit, applicant=applicant, now=zurich(dt.date(2026, 9, 4), 16))
        photo = SimpleUploadedFile("rue.png", PNG, content_type="image/png")

        with pytest.raises(ValidationError) as refused:
            works_reinstate(
                permit=permit,
                applicant=applicant,
                photos=[(photo, "image/png")],
                now=zurich(dt.date(2026, 9, 3), 9),
            )

        assert refused.value.messages == [
            "La remise en état ne peut pas précéder la fin des travaux (4 septembre 2026)."
        ]
        permit = PermitRequest.objects.get(pk=permit.pk)
        assert permit.status == Status.WORKS_ENDED
        assert not permit.attachments.filter(purpose="reinstatement").exists()


def test_the_applicants_page_says_from_when_the_works_may_start(
    client, permit, applicant, time_machine
):
    page = f"/pully/permits/{permit.pk}/"
    sentence = "Les travaux peuvent commencer dès le 1 septembre 2026, premier jour du permis."

    time_machine.move_to(zurich(dt.date(2026, 8, 31), 23, 30), tick=False)
    client.force_login(applicant)  # once the clock is set: a session lasts two weeks
    before = html.unescape(client.get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    time_machine.move_to(zurich(FIRST_DAY, 0, 30), tick=False)
    on_the_day = html.unescape(client.get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode())

    assert sentence in before
    assert sentence not in on_the_day
