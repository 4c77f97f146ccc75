"""What the applicant reads of the town's work on the file (issue 7): the service, never the
person (no staff login or name), and only the texts meant for the applicant (opinion, remark,
conditions, complement questions, decision reasons); a reviewer's internal note stays inside
the town's staff."""

from __future__ import annotations

import json

import pytest

from commune.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)
from commune.core import audit
from commune.permits.models import PermitRequest, ReviewTask, RoutingRule
from commune.permits.services.tokens import api_token_create
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import api_payload, town_settings

URL = "/api/v1/pully/permits/requests"
NOTE = "Entreprise peu fiable, surveiller le chantier de près"
REMARK = "Informer les riverains 48 heures avant le début"
CONDITION = "Balisage de nuit obligatoire"
QUESTION = "Plan de signalisation manquant"
REASONS = "Accordé sous réserve du balisage"
NOW = at(MONDAY)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """Every call of the test reads the same explicit time: Monday 4 May 2026, 9:00 in Pully."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def file(town_a):
    """Pully with a roads service (reviewer Rita Muller) and an officer (Olivier Perret), and
    a request filed through the API by a utility, under review by the roads."""
    with scope(town_a):
        town_settings(town_a, minimum_notice_days=10)
        roads = DepartmentFactory(municipality=town_a, code="roads", name="Routes")
        RoutingRule.objects.create(municipality=town_a, department=roads)
        reviewer = MembershipFactory(
            municipality=town_a,
            role="service_reviewer",
            department=roads,
            user__email="rita.muller@pully.ch",
            user__full_name="Rita Muller",
        ).user
        officer = MembershipFactory(
            municipality=town_a,
            role="permit_officer",
            user__email="olivier.perret@pully.ch",
            user__full_name="Olivier Perret",
        ).user
    manager = UserFactory(full_name="Anne Gerber", language="fr")
    utility = OrganisationFactory(name="Services industriels SA", invoice_address="CP 1")
    add_member(utility, manager, manager=True)
    _token, raw = api_token_create(organisation=utility, manager=manager, name="SAP")
    return {
        "town": town_a,
        "reviewer": reviewer,
        "officer": officer,
        "manager": manager,
        "raw": raw,
    }


def api_file(client, file):
    return client.post(
        URL,
        data=json.dumps(api_payload(file["town"])),
        content_type="application/json",
        headers={"Authorization": f"Bearer {file['raw']}", "Idempotency-Key": "job-1"},
    )


def town_works_on_it(client, staff_client, file, permit_id):
    """The officer asks a complement, the applicant answers, the roads give their opinion
    (remark, condition and an internal note), the officer grants: all through the pages."""
    officer = staff_client(file["officer"])
    officer.post(f"/pully/permits/staff/{permit_id}/complement/", {"question": QUESTION})
    client.force_login(file["manager"])
    with scope(file["town"]):
        complement = PermitRequest.objects.get(pk=permit_id).complements.get()
    client.post(
        f"/pully/permits/{permit_id}/complements/{complement.pk}/", {"answer": "Plan joint."}
    )
    with scope(file["town"]):
        task = ReviewTask.objects.get(permit_id=permit_id)
    reviewer = staff_client(file["reviewer"])
    review = reviewer.post(
        f"/pully/permits/staff/tasks/{task.pk}/",
        {
            "opinion": "conditions",
            "remark": REMARK,
            "free_conditions": CONDITION,
            "internal_note": NOTE,
        },
    )
    assert review.status_code == 302, review.content.decode()
    officer = staff_client(file["officer"])
    decided = officer.post(
        f"/pully/permits/staff/{permit_id}/decide/", {"decision": "grant", "text": REASONS}
    )
    assert decided.status_code == 302
    with scope(file["town"]):
        assert PermitRequest.objects.get(pk=permit_id).status == "granted"


def _staff_traces(file) -> list[str]:
    people = (file["reviewer"], file["officer"])
    return [NOTE, *(p.email for p in people), *(p.full_name for p in people)]


def test_the_applicant_reads_the_services_and_their_texts_never_the_staff_or_their_notes(
    client, staff_client, file, smtp_server, django_capture_on_commit_callbacks
):
    # given: a request the town reviewed, asked a complement for and granted
    with django_capture_on_commit_callbacks(execute=True):
        filed = api_file(client, file).json()
        town_works_on_it(client, staff_client, file, filed["id"])
    # when: the applicant opens the request, its system retries the call, mails have arrived
    client.force_login(file["manager"])
    page = client.get(f"/pully/permits/{filed['id']}/").content.decode()
    retry = api_file(client, file)
    mails = [
        smtp_server.text_of(m) + smtp_server.html_of(m)
        for m in smtp_server.wait_for(4)
        if m["To"] == file["manager"].email
    ]
    # then: no staff login, no staff name, no internal note anywhere the applicant looks
    assert retry.status_code == 200
    for text in [page, retry.content.decode(), *mails]:
        for trace in _staff_traces(file):
            assert trace not in text
    # and: the page says which service did what, with the texts meant for the applicant
    assert "Routes" in page and "Favorable avec conditions" in page
    for text in (REMARK, CONDITION, QUESTION, REASONS):
        assert text in page
    # and: the grant mail carries the condition
    assert any(CONDITION in mail for mail in mails)


def test_the_town_staff_still_read_the_internal_note_and_who_did_what(client, staff_client, file):
    filed = api_file(client, file).json()
    town_works_on_it(client, staff_client, file, filed["id"])
    staff = staff_client(file["officer"]).get(f"/pully/permits/staff/{filed['id']}/")
    page = staff.content.decode()
    assert NOTE in page and REMARK in page
    assert file["reviewer"].email in page


def test_older_entries_keep_their_comments_from_the_applicant(client, staff_client, file):
    # given: an opinion recorded before notes were separated (its comment was internal)
    filed = api_file(client, file).json()
    with scope(file["town"]):
        permit = PermitRequest.objects.get(pk=filed["id"])
        audit.record(
            actor=file["reviewer"],
            obj=permit,
            action="review_answered",
            after={"department": "Routes", "opinion": "favourable", "conditions": []},
            comment=NOTE,
        )
    # when: the applicant opens the request
    client.force_login(file["manager"])
    page = client.get(f"/pully/permits/{filed['id']}/").content.decode()
    # then: the opinion shows, by the service; not the comment, not the reviewer
    assert "Routes" in page
    for trace in _staff_traces(file):
        assert trace not in page


def test_the_review_form_separates_the_remark_for_the_applicant_from_the_internal_note(
    client, staff_client, file
):
    filed = api_file(client, file).json()
    with scope(file["town"]):
        task = ReviewTask.objects.get(permit_id=filed["id"])
    reviewer = staff_client(file["reviewer"])
    reviewer.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    form = reviewer.get(f"/pully/permits/staff/tasks/{task.pk}/").content.decode()
    assert "Remarque pour le requérant" in form
    assert "Note interne" in form and "jamais montrée au requérant" in form
    # an unfavourable opinion gives its reasons to the applicant
    refused = reviewer.post(
        f"/pully/permits/staff/tasks/{task.pk}/",
        {"opinion": "unfavourable", "internal_note": NOTE},
    )
    assert refused.status_code == 400
    assert "Dites au requérant pourquoi" in refused.content.decode()
    with scope(file["town"]):
        assert ReviewTask.objects.get(pk=task.pk).status == ReviewTask.Status.OPEN
