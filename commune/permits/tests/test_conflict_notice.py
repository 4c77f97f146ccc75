"""A conflict that appears on a file because the other file changed (issue 8): the file's side
and the officers are told, in the file's history and by e-mail with the link to the file, once
per conflict and not at every recompute; the applicant's side reads the other file's reference
only where the public may already see it. Real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest

from commune.accounts.tests.factories import UserFactory
from commune.permits.disclosure import history_for
from commune.permits.models import ConflictNotice, ExtensionRequest, PermitRequest
from commune.permits.models.texts import Audience
from commune.permits.services.conflicts import conflicts_recompute
from commune.permits.services.submission import permit_submit
from commune.permits.services.works import extension_decide

from .conftest import MONDAY, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status


def _submitted(town, applicant, **kw):
    return permit_submit(
        permit=draft(town, applicant=applicant, **kw), applicant=applicant, now=at(MONDAY)
    )


def _extend(town, permit, officer, days: int):
    extension = ExtensionRequest.objects.create(
        municipality=town,
        permit=permit,
        new_end=permit.planned_end + dt.timedelta(days=days),
        reason="Rocher",
    )
    extension_decide(extension=extension, officer=officer, accept=True, now=at(MONDAY))


@pytest.fixture
def bob(db):
    return UserFactory(full_name="Bob Chappuis", language="fr")


@pytest.fixture
def apart(in_town, settings_a, applicant, bob):
    """Luc's small request (granted as routine, on the public map), then Bob's larger one 20 m
    away starting three days after Luc's end: no conflict yet."""
    first = _submitted(in_town, applicant)
    later = _submitted(
        in_town,
        bob,
        dx=124,
        w=30,
        h=30,
        planned_start=first.planned_end + dt.timedelta(days=3),
        planned_end=first.planned_end + dt.timedelta(days=6),
    )
    assert first.status == Status.GRANTED and later.status != Status.GRANTED
    assert not later.findings.filter(kind="conflict").exists()
    return first, later


def test_an_extension_into_another_file_tells_its_applicant_and_the_officer_once(
    in_town, apart, officer, bob, smtp_server, django_capture_on_commit_callbacks
):
    first, later = apart
    # when Luc's permit is extended into the dates of Bob's request
    with django_capture_on_commit_callbacks(execute=True):
        _extend(in_town, first, officer, days=4)

    # then Bob (whose file did not change) and the officer are told, with the link to the file
    mails = [m for m in smtp_server.wait_for(3) if later.reference in m["Subject"]]
    assert sorted(m["To"] for m in mails) == sorted([bob.email, officer.email])
    to_bob = next(m for m in mails if m["To"] == bob.email)
    to_officer = next(m for m in mails if m["To"] == officer.email)
    assert f"http://testserver/pully/permits/{later.pk}/" in smtp_server.text_of(to_bob)
    assert first.reference in smtp_server.text_of(to_bob)  # granted: on the public map
    assert f"http://testserver/pully/permits/staff/{later.pk}/" in smtp_server.text_of(to_officer)
    # and Bob's page tells it in the file's history
    steps = [line.what for line in history_for(permit=later, audience=Audience.APPLICANT, limit=50)]
    assert "d'autres travaux sont maintenant en conflit avec ce dossier" in steps

    # when the conflicts are recomputed again (another extension, a direct recompute)
    before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        _extend(in_town, PermitRequest.objects.get(pk=first.pk), officer, days=5)
        conflicts_recompute(permit=later)
    # then nobody is told of the same conflict twice
    later_mails = smtp_server.wait_for(before + 1, timeout=1.5)[before:]
    assert not [m for m in later_mails if later.reference in m["Subject"]]
    assert ConflictNotice.objects.count() == 1


def test_only_the_officer_hears_of_works_the_public_cannot_see_yet(
    in_town, settings_a, applicant, bob, officer, smtp_server, django_capture_on_commit_callbacks
):
    # given Luc's request is granted (public); then Bob asks to dig next to it (not public)
    first = _submitted(in_town, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        later = _submitted(in_town, bob, dx=124, w=30, h=30)

    # then the officer is told, with Bob's reference; Luc is not told of a request he may not
    # know of (Bob's receipt, the same-street invitation and the officer's "waiting" come too)
    messages = smtp_server.wait_for(5, timeout=2)
    mails = [m for m in messages if first.reference in m["Subject"]]
    assert [m["To"] for m in mails] == [officer.email]
    assert later.reference in smtp_server.text_of(mails[0])
    staff = [line.what for line in history_for(permit=first, audience=Audience.STAFF, limit=9)]
    mine = [line.what for line in history_for(permit=first, audience=Audience.APPLICANT, limit=9)]
    assert (
        "d'autres travaux, pas encore publics, sont maintenant en conflit avec ce dossier" in staff
    )
    assert not [what for what in mine if "conflit" in what]


def test_no_notice_when_no_conflict_appears(
    in_town, apart, officer, smtp_server, django_capture_on_commit_callbacks
):
    first, _later = apart
    with django_capture_on_commit_callbacks(execute=True):
        _extend(in_town, first, officer, days=1)  # still two days before Bob's start
    assert not ConflictNotice.objects.exists()
    mails = smtp_server.wait_for(2, timeout=1.5)
    assert [m["To"] for m in mails] == [first.applicant.email]  # the extension's decision only
