"""The applicant's side acts through services, not rules in views: a complement's answer and
its documents are one step (refused: nothing kept), documents are added only to an active
request (whoever calls the service), a submitted request is not edited, and the request's page
offers what the workflow allows in its state, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commune.permits.models import Attachment, ComplementRequest, PermitRequest
from commune.permits.services.attachments import permit_supplement
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

from .conftest import ZURICH

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JUNE = dt.date(2030, 6, 3)


def _pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


def _mine(town, applicant, status, **fields):
    with scope(town):
        return work(town, status=status, start=JUNE, applicant=applicant, **fields)


def test_an_answer_refused_keeps_none_of_its_documents(town_a, applicant, applicant_client):
    # given a complement asked, then the request withdrawn (the answer comes from an old tab)
    permit = _mine(town_a, applicant, Status.WITHDRAWN)
    with scope(town_a):
        complement = ComplementRequest.objects.create(
            municipality=town_a,
            permit=permit,
            question="Plan de signalisation ?",
            asked_at=dt.datetime(2030, 5, 6, 9, tzinfo=ZURICH),
        )

    # when the applicant sends the answer with a document
    response = applicant_client.post(
        f"/pully/permits/{permit.pk}/complements/{complement.pk}/",
        {"answer": "Voici le plan", "files": [_pdf()]},
        follow=True,
    )

    # then it is refused with a message, and neither the answer nor the document is kept
    assert "pas possible" in response.content.decode()
    with scope(town_a):
        complement.refresh_from_db()
        assert complement.answered_at is None
        assert not Attachment.objects.filter(permit=permit).exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CLOSED, Status.REFUSED, Status.WITHDRAWN])
def test_the_service_adds_no_document_to_a_request_that_is_not_active(town_a, applicant, status):
    permit = _mine(town_a, applicant, status)
    with scope(town_a):
        with pytest.raises(ValidationError):
            permit_supplement(permit=permit, user=applicant, uploads=[(_pdf(), "application/pdf")])
        assert not Attachment.objects.filter(permit=permit).exists()


def test_documents_are_added_to_a_granted_request(town_a, applicant, applicant_client):
    permit = _mine(town_a, applicant, Status.GRANTED)
    response = applicant_client.post(
        f"/pully/permits/{permit.pk}/supplement/", {"files": [_pdf("annexe.pdf")]}
    )
    assert response.status_code == 302
    with scope(town_a):
        assert permit.attachments.get().purpose == Attachment.Purpose.COMPLEMENT


def test_a_submitted_request_is_not_edited_and_says_so(town_a, applicant, applicant_client):
    permit = _mine(town_a, applicant, Status.IN_REVIEW)
    response = applicant_client.get(f"/pully/permits/{permit.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/pully/permits/{permit.pk}/"
    assert "ne peut plus être modifiée" in response.content.decode()


def test_someone_elses_draft_is_not_found_for_editing(town_a, applicant, applicant_client):
    with scope(town_a):
        theirs = work(town_a, status=Status.DRAFT, start=JUNE)
    assert applicant_client.get(f"/pully/permits/{theirs.pk}/edit/").status_code == 404


#: state -> the forms the request's page offers (by the address each form posts to).
OFFERED = {
    Status.DRAFT: {"edit/", "submit/", "withdraw/"},
    Status.IN_REVIEW: {"supplement/", "withdraw/"},
    Status.GRANTED: {"works/start/", "works/extension/", "supplement/", "withdraw/"},
    Status.WORKS_STARTED: {"works/end/", "works/extension/", "supplement/"},
    Status.WORKS_ENDED: {"works/reinstated/"},
    Status.INSPECTED_DEFECTS: {"works/reinstated/"},
    Status.CLOSED: set(),
    Status.WITHDRAWN: set(),
}
ACTIONS = {
    "edit/",
    "submit/",
    "withdraw/",
    "supplement/",
    "works/start/",
    "works/end/",
    "works/reinstated/",
    "works/extension/",
}


@pytest.mark.parametrize("status", list(OFFERED))
def test_the_page_offers_what_the_state_allows(town_a, applicant, applicant_client, status):
    permit = _mine(town_a, applicant, status)
    page = applicant_client.get(f"/pully/permits/{permit.pk}/").content.decode()
    base = f"/pully/permits/{permit.pk}/"
    offered = {action for action in ACTIONS if f'"{base}{action}"' in page}
    assert offered == OFFERED[status]
