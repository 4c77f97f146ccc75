"""A withdrawal is confirmed first (issue 8): the request's page links to a confirmation page
(no JavaScript needed) that says what the withdrawal ends, more firmly for a granted permit;
only its form withdraws. The verification page then says one thing of a withdrawn permit."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from commune.permits.models import PermitRequest
from commune.permits.public.verification import verify_token
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
JUNE = dt.date(2030, 6, 3)


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


def _mine(town, applicant, status):
    with scope(town):
        return work(town, status=status, start=JUNE, applicant=applicant)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _status(town, permit) -> str:
    with scope(town):
        return PermitRequest.objects.get(pk=permit.pk).status


def test_the_request_page_links_to_a_confirmation_not_a_one_click_form(
    town_a, applicant, applicant_client
):
    permit = _mine(town_a, applicant, Status.IN_REVIEW)
    page = _text(applicant_client.get(f"/pully/permits/{permit.pk}/"))
    url = f"/pully/permits/{permit.pk}/withdraw/"
    assert f'href="{url}"' in page and f'action="{url}"' not in page
    confirm = _text(applicant_client.get(url))
    assert 'name="confirm" value="yes"' in confirm
    assert "Oui, retirer la demande" in confirm
    assert "permis est délivré" not in confirm
    assert _status(town_a, permit) == Status.IN_REVIEW  # looking changes nothing


def test_a_post_without_the_confirmation_withdraws_nothing(town_a, applicant, applicant_client):
    permit = _mine(town_a, applicant, Status.GRANTED)
    response = applicant_client.post(f"/pully/permits/{permit.pk}/withdraw/")
    assert response.status_code == 200  # the confirmation page again
    assert _status(town_a, permit) == Status.GRANTED


def test_a_granted_permit_is_withdrawn_after_a_stronger_warning(
    town_a, applicant, applicant_client
):
    permit = _mine(town_a, applicant, Status.GRANTED)
    with scope(town_a):
        PermitRequest.objects.filter(pk=permit.pk).update(
            decided_at=dt.datetime(2030, 5, 20, 9, tzinfo=dt.UTC)
        )
    url = f"/pully/permits/{permit.pk}/withdraw/"
    confirm = _text(applicant_client.get(url))
    assert "Ce permis est délivré" in confirm and "Oui, retirer le permis" in confirm
    response = applicant_client.post(url, {"confirm": "yes"}, follow=True)
    assert _status(town_a, permit) == Status.WITHDRAWN
    page = _text(response)
    assert "permit.pdf" not in page and "invoice.pdf" not in page
    # sent twice (a double click, an old tab): nothing more, no error page
    again = applicant_client.post(url, {"confirm": "yes"})
    assert again.status_code == 302 and _status(town_a, permit) == Status.WITHDRAWN
    # the verification page says one thing: withdrawn, not valid, never "issued"
    verify = _text(applicant_client.get(f"/pully/works/verify/{verify_token(permit)}/"))
    assert "retiré par son titulaire" in verify
    assert "a été délivré" not in verify and "n'a pas été délivré" not in verify


def test_a_request_withdrawn_before_the_decision_says_so(town_a, applicant, applicant_client):
    permit = _mine(town_a, applicant, Status.IN_REVIEW)
    applicant_client.post(f"/pully/permits/{permit.pk}/withdraw/", {"confirm": "yes"})
    assert _status(town_a, permit) == Status.WITHDRAWN
    verify = _text(applicant_client.get(f"/pully/works/verify/{verify_token(permit)}/"))
    assert "retirée avant toute décision" in verify
    assert "a été délivré" not in verify


def test_another_towns_request_is_not_found(town_a, town_b, applicant, applicant_client):
    theirs = _mine(town_b, applicant, Status.IN_REVIEW)
    url = f"/pully/permits/{theirs.pk}/withdraw/"
    assert applicant_client.get(url).status_code == 404
    assert applicant_client.post(url, {"confirm": "yes"}).status_code == 404
    assert _status(town_b, theirs) == Status.IN_REVIEW
