"""Files sent with a request form that comes back (an error, a check, a removal) are kept for
the same person and form, listed with a remove button and attached when the form is saved;
a day later they are gone. The content checks still apply."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commune.accounts.tests.factories import UserFactory
from commune.core import schedule
from commune.permits.models import Attachment, PendingUpload, PermitRequest
from commune.permits.services.attachments import pending_uploads_purge
from commune.permits.tasks import pending_uploads_purge_run
from commune.tenants.scoping import scope

from .factories import draft
from .test_views import PDF, form_data

pytestmark = pytest.mark.clock


def _plan(name="plan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _failed_post(client, town, token, **extra):
    """The form sent with a plan and a missing description: refused."""
    data = {**form_data(town), "description": "", "upload_token": str(token), **extra}
    response = client.post("/pully/permits/new/", {**data, "attachments": [_plan()]})
    assert response.status_code == 400
    return response


def test_a_plan_sent_with_a_refused_form_is_kept_and_attached_on_success(client, town_a, applicant):
    # given: a form refused for its description, sent with a plan
    client.force_login(applicant)
    token = uuid.uuid4()
    response = _failed_post(client, town_a, token)
    # then: the plan is listed on the page sent back, with its remove button
    body = response.content.decode()
    assert "plan.pdf" in body
    with scope(town_a):
        pending = PendingUpload.objects.get()
    assert f'name="remove_upload" value="{pending.pk}"' in body
    assert response.context["form"]["upload_token"].value() == str(token)
    # when: the corrected form is sent, without the file (a browser cannot keep it)
    data = {**form_data(town_a), "upload_token": str(token)}
    assert client.post("/pully/permits/new/", data).status_code == 302
    # then: the request has the plan, with its content; nothing is pending any more
    with scope(town_a):
        attachment = Attachment.objects.get()
        assert attachment.permit == PermitRequest.objects.get()
        assert attachment.name == "plan.pdf"
        assert attachment.file.read() == PDF
        assert not PendingUpload.objects.exists()


def test_a_pending_plan_can_be_removed_before_sending_again(client, town_a, applicant):
    client.force_login(applicant)
    token = uuid.uuid4()
    _failed_post(client, town_a, token)
    with scope(town_a):
        pending = PendingUpload.objects.get()
    # when: its remove button is pressed
    data = {**form_data(town_a), "upload_token": str(token), "remove_upload": str(pending.pk)}
    data.pop("submit")
    response = client.post("/pully/permits/new/", data)
    # then: the page comes back as it was filled in, without errors and without the file
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["form"]["description"].value() == "Fibre optique"
    with scope(town_a):
        assert not PendingUpload.objects.exists()
        assert not PermitRequest.objects.exists()
    assert client.post("/pully/permits/new/", {**form_data(town_a), "upload_token": str(token)})
    with scope(town_a):
        assert not Attachment.objects.exists()


def test_another_persons_token_finds_none_of_the_files(client, town_a, applicant):
    # given: the applicant's plan is pending under a token
    client.force_login(applicant)
    token = uuid.uuid4()
    _failed_post(client, town_a, token)
    # when: someone else sends a form with the same token
    other = UserFactory(language="fr")
    client.force_login(other)
    response = client.post("/pully/permits/new/", {**form_data(town_a), "upload_token": str(token)})
    # then: their request has none of the applicant's files, which stay pending
    assert response.status_code == 302
    with scope(town_a):
        assert not Attachment.objects.exists()
        assert PendingUpload.objects.get().user == applicant


def test_a_file_that_is_not_a_plan_is_refused_and_not_kept(client, town_a, applicant):
    client.force_login(applicant)
    token = uuid.uuid4()
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data = {**form_data(town_a), "upload_token": str(token), "attachments": [fake]}
    response = client.post("/pully/permits/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"]
    with scope(town_a):
        assert not PendingUpload.objects.exists()
        assert not PermitRequest.objects.exists()


def test_pending_files_are_deleted_after_a_day(
    client, town_a, applicant, time_machine, django_capture_on_commit_callbacks
):
    # given: a plan pending since 09:00
    time_machine.move_to(dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC))
    client.force_login(applicant)
    _failed_post(client, town_a, uuid.uuid4())
    with scope(town_a):
        stored = PendingUpload.objects.get().file
        path = stored.path
    # when: the purge runs 23 hours later, then 25 hours later
    with scope(town_a):
        assert (
            pending_uploads_purge(municipality=town_a, now=timezone.now() + dt.timedelta(hours=23))
            == 0
        )
    later = (timezone.now() + dt.timedelta(hours=25)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        result = pending_uploads_purge_run.call(now=later)
    # then: it is gone, row and file, only the second time
    assert result == {"pending_uploads_deleted": 1}
    with scope(town_a):
        assert not PendingUpload.objects.exists()
    assert not stored.storage.exists(path)
    assert "commune.permits.tasks.pending_uploads_purge_run" in schedule.registered()


def test_editing_a_draft_shows_its_area_and_its_attachments(client, town_a, applicant):
    with scope(town_a):
        permit = draft(town_a, applicant=applicant)
        Attachment.objects.create(
            municipality=town_a,
            permit=permit,
            file=_plan(),
            name="coupe.pdf",
            mime_type="application/pdf",
            size=len(PDF),
            uploaded_by=applicant,
        )
    client.force_login(applicant)
    response = client.get(f"/pully/permits/{permit.pk}/edit/")
    assert response.status_code == 200
    assert '"Polygon"' in response.context["form"]["geometry"].value()
    body = response.content.decode()
    assert "coupe.pdf" in body
    assert f"/pully/permits/{permit.pk}/files/" in body


def test_another_person_cannot_remove_someone_elses_pending_file(client, town_a, applicant):
    client.force_login(applicant)
    token = uuid.uuid4()
    _failed_post(client, town_a, token)
    with scope(town_a):
        pending = PendingUpload.objects.get()
    client.force_login(UserFactory(language="fr"))
    data = {**form_data(town_a), "upload_token": str(token), "remove_upload": str(pending.pk)}
    data.pop("submit")
    assert client.post("/pully/permits/new/", data).status_code == 200
    with scope(town_a):
        assert PendingUpload.objects.filter(pk=pending.pk).exists()


def test_a_submission_refused_by_its_checks_saves_nothing_and_keeps_the_plan(
    client, town_a, applicant
):
    # given: works that started yesterday (not an emergency): refused on submission only
    client.force_login(applicant)
    token = uuid.uuid4()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    data = {**form_data(town_a), "upload_token": str(token), "planned_start": yesterday}
    # when
    response = client.post("/pully/permits/new/", {**data, "attachments": [_plan()]})
    # then: no draft is left behind, the plan waits for the corrected form
    assert response.status_code == 400
    assert response.context["form"].errors["planned_start"]
    with scope(town_a):
        assert not PermitRequest.objects.exists()
        assert PendingUpload.objects.count() == 1
    # when: sent again with a start ahead, under the same keys
    response = client.post(
        "/pully/permits/new/",
        {
            **form_data(town_a),
            **{"upload_token": str(token), "submission_key": data["submission_key"]},
        },
    )
    # then: one request, with the plan
    assert response.status_code == 302
    with scope(town_a):
        assert PermitRequest.objects.get().attachments.get().name == "plan.pdf"
        assert not PendingUpload.objects.exists()
