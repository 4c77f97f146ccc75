import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commune.permits.models import ExtensionRequest, Inspection, PermitRequest
from commune.permits.services.submission import permit_submit
from commune.permits.services.works import (
    extension_decide,
    extension_request,
    inspection_record,
    works_end,
    works_reinstate,
    works_start,
    works_watch_run,
)
from commune.permits.workflow import TransitionNotAllowed

from .conftest import MONDAY, at
from .factories import draft

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def granted(in_town, settings_a, applicant):
    permit = permit_submit(
        permit=draft(in_town, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )
    assert permit.status == PermitRequest.Status.GRANTED
    return permit


def test_works_are_followed_until_the_file_closes(granted, applicant, officer):
    # given a granted permit; when the applicant declares start, end and reinstatement
    works_start(permit=granted, applicant=applicant, now=at(dt.date(2026, 6, 1)))
    works_end(permit=granted, applicant=applicant, now=at(dt.date(2026, 6, 4)))
    photo = SimpleUploadedFile("rue.png", PNG, content_type="image/png")
    works_reinstate(
        permit=granted,
        applicant=applicant,
        photos=[(photo, "image/png")],
        now=at(dt.date(2026, 6, 5)),
    )
    # and the inspection finds defects, then accepts the repair
    inspection_record(
        permit=granted,
        inspector=officer,
        result=Inspection.Result.DEFECTS,
        notes="Joint ouvert",
        fix_by=dt.date(2026, 6, 30),
        now=at(dt.date(2026, 6, 10)),
    )
    granted.refresh_from_db()
    assert granted.status == PermitRequest.Status.INSPECTED_DEFECTS
    works_reinstate(
        permit=granted,
        applicant=applicant,
        photos=[(SimpleUploadedFile("rue2.png", PNG), "image/png")],
        now=at(dt.date(2026, 6, 20)),
    )
    inspection_record(
        permit=granted,
        inspector=officer,
        result=Inspection.Result.ACCEPTED,
        notes="",
        fix_by=None,
        now=at(dt.date(2026, 6, 25)),
    )
    # then the file is closed and the guarantee runs
    granted.refresh_from_db()
    assert granted.status == PermitRequest.Status.CLOSED
    assert granted.guarantee_until == dt.date(2028, 6, 25)
    assert granted.attachments.filter(purpose="reinstatement").count() == 2


def test_reinstatement_needs_a_photo_and_works_cannot_end_before_they_start(granted, applicant):
    first_day = granted.planned_start  # works start on the permit's first day (issue 8)
    with pytest.raises(TransitionNotAllowed):
        works_end(permit=granted, applicant=applicant, now=at(first_day))
    works_start(permit=granted, applicant=applicant, now=at(first_day))
    works_end(permit=granted, applicant=applicant, now=at(first_day))
    with pytest.raises(ValidationError):
        works_reinstate(permit=granted, applicant=applicant, photos=[], now=at(first_day))


def test_works_past_their_end_without_notice_are_flagged_once(granted, applicant):
    works_start(permit=granted, applicant=applicant, now=at(dt.date(2026, 6, 1)))
    town = granted.municipality
    assert works_watch_run(municipality=town, now=at(dt.date(2026, 6, 5)))["overdue"] == 0
    assert works_watch_run(municipality=town, now=at(dt.date(2026, 6, 8)))["overdue"] == 1
    assert works_watch_run(municipality=town, now=at(dt.date(2026, 6, 9)))["overdue"] == 0
    granted.refresh_from_db()
    assert granted.overdue_flagged_at is not None


def test_the_applicant_is_reminded_before_the_permit_expires(
    granted, smtp_server, django_capture_on_commit_callbacks
):
    town = granted.municipality
    # valid until Friday 5 June; the town reminds 5 days before
    assert works_watch_run(municipality=town, now=at(dt.date(2026, 5, 29)))["expiry"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert works_watch_run(municipality=town, now=at(dt.date(2026, 5, 31)))["expiry"] == 1
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == granted.applicant.email
    assert granted.reference in message["Subject"]


def test_an_accepted_extension_moves_the_end_and_the_validity(granted, applicant, officer):
    extension = extension_request(
        permit=granted, applicant=applicant, new_end=dt.date(2026, 6, 12), reason="Rocher"
    )
    with pytest.raises(ValidationError):
        extension_request(
            permit=granted, applicant=applicant, new_end=dt.date(2026, 6, 19), reason="x"
        )
    extension_decide(extension=extension, officer=officer, accept=True, now=at(MONDAY))
    granted.refresh_from_db()
    assert extension.__class__.objects.get().status == ExtensionRequest.Status.ACCEPTED
    assert granted.planned_end == granted.valid_until == dt.date(2026, 6, 12)
    assert granted.areas.get().ends_on == dt.date(2026, 6, 12)
