"""The town's library of standard conditions (issue 8): its officers list, add, edit and retire
them; the decision form offers them by their whole text (never cut at 60 characters); a grant
copies the chosen texts onto the permit, so that a later edit of the library changes no permit
already granted, and the permit's PDF carries them."""

from __future__ import annotations

import html
import io

import pypdf
import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.permits import pdf
from commune.permits.models import PermitRequest, StandardCondition
from commune.permits.tests.factories import town_settings
from commune.permits.tests.public_helpers import work
from commune.tenants.models import Department
from commune.tenants.scoping import scope

# The file's dates are counted from today: ./test runs it again under shifted clocks.
pytestmark = pytest.mark.clock

Status = PermitRequest.Status
#: Longer than 60 characters, its end is what a cut would lose.
NIGHT = (
    "Aucun travail bruyant entre 22 h et 6 h ; les riverains sont avertis par écrit "
    "48 heures à l'avance par l'entreprise."
)
TREES = "Les racines des arbres d'alignement de plus de 5 cm sont conservées et protégées."


def _member(town, role, department=None):
    user = UserFactory(kind="staff", language="fr")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def town(town_a):
    with scope(town_a):
        town_settings(town_a)
        night = StandardCondition.objects.create(municipality=town_a, code="nuit", text=NIGHT)
        trees = StandardCondition.objects.create(municipality=town_a, code="arbres", text=TREES)
        permit = work(town_a, status=Status.IN_REVIEW)
        roads = Department.objects.create(municipality=town_a, code="roads", name="Routes")
    return {
        "town": town_a,
        "night": night,
        "trees": trees,
        "permit": permit,
        "officer": _member(town_a, Role.PERMIT_OFFICER),
        "reviewer": _member(town_a, Role.SERVICE_REVIEWER, roads),
    }


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _grant(http, permit, **data):
    return http.post(
        f"/pully/permits/staff/{permit.pk}/decide/", {"decision": "grant", **data}, follow=True
    )


def test_the_decision_form_offers_each_condition_by_its_whole_text(town, staff_client):
    http = staff_client(town["officer"])

    page = _text(http.get(f"/pully/permits/staff/{town['permit'].pk}/"))

    assert NIGHT in page
    assert TREES in page
    assert 'name="standard_conditions"' in page


def test_a_grant_copies_the_chosen_texts_and_a_later_edit_changes_no_permit(town, staff_client):
    # given the officer grants with the night condition and one of their own
    http = staff_client(town["officer"])
    page = _text(
        _grant(
            http,
            town["permit"],
            standard_conditions=[town["night"].pk],
            extra_conditions="Balisage lumineux la nuit",
        )
    )
    assert "Le permis est délivré." in page
    with scope(town["town"]):
        permit = PermitRequest.objects.get(pk=town["permit"].pk)
    texts = [c["text"] for c in permit.conditions]
    assert NIGHT in texts and "Balisage lumineux la nuit" in texts
    assert TREES not in texts

    # when the library's text is edited afterwards
    response = http.post(
        f"/pully/permits/staff/conditions/{town['night'].pk}/",
        {"code": "nuit", "text": "Pas de travail de nuit."},
        follow=True,
    )
    assert "les permis déjà décidés gardent leur texte" in _text(response)

    # then the permit keeps the text it was granted with, in its PDF too
    with scope(town["town"]):
        permit.refresh_from_db()
        assert NIGHT in [c["text"] for c in permit.conditions]
        assert StandardCondition.objects.get(pk=town["night"].pk).text == "Pas de travail de nuit."
        body = pdf.permit_pdf(permit=permit, verify_url="https://e.example.ch/v/x", language="fr")
    text = _pdf_text(body)
    assert " ".join(NIGHT.split()) in text
    assert "Pas de travail de nuit." not in text


def test_a_retired_condition_is_offered_no_more_and_refused_if_sent(town, staff_client):
    # given the officer retires the trees' condition
    http = staff_client(town["officer"])
    page = _text(
        http.post(
            f"/pully/permits/staff/conditions/{town['trees'].pk}/retire/",
            {"retire": "1"},
            follow=True,
        )
    )
    assert "La condition est retirée" in page
    assert TREES in page  # still listed in the library, as retired

    # then the decision form no longer offers it, and a form sent with it grants nothing
    assert TREES not in _text(http.get(f"/pully/permits/staff/{town['permit'].pk}/"))
    page = _text(_grant(http, town["permit"], standard_conditions=[town["trees"].pk]))
    assert "Cette condition ne figure plus dans la bibliothèque de la commune." in page
    with scope(town["town"]):
        assert PermitRequest.objects.get(pk=town["permit"].pk).status == Status.IN_REVIEW


def test_a_retired_condition_stays_on_the_permit_that_carries_it(town, staff_client):
    http = staff_client(town["officer"])
    _grant(http, town["permit"], standard_conditions=[town["trees"].pk])

    http.post(f"/pully/permits/staff/conditions/{town['trees'].pk}/retire/", {"retire": "1"})

    with scope(town["town"]):
        permit = PermitRequest.objects.get(pk=town["permit"].pk)
    assert permit.status == Status.GRANTED
    assert TREES in [c["text"] for c in permit.conditions]
    page = _text(http.get(f"/pully/permits/staff/{permit.pk}/"))
    assert TREES in page


def test_the_officer_adds_a_condition_and_a_taken_code_is_refused_in_french(town, staff_client):
    http = staff_client(town["officer"])

    response = http.post(
        "/pully/permits/staff/conditions/",
        {"code": "poussiere", "text": "Arroser le chantier par temps sec."},
        follow=True,
    )
    assert "La condition est ajoutée à la bibliothèque." in _text(response)
    assert "Arroser le chantier par temps sec." in _text(
        http.get(f"/pully/permits/staff/{town['permit'].pk}/")
    )

    response = http.post("/pully/permits/staff/conditions/", {"code": "nuit", "text": "Autre"})
    assert response.status_code == 400
    assert "La bibliothèque de la commune a déjà une condition avec ce code." in _text(response)


def test_a_service_reads_the_whole_text_in_its_opinion_form(town, staff_client):
    with scope(town["town"]):
        from commune.permits.tests.factories import ReviewTaskFactory

        task = ReviewTaskFactory(
            municipality=town["town"],
            permit=town["permit"],
            department=Department.objects.get(code="roads"),
        )
    page = _text(staff_client(town["reviewer"]).get(f"/pully/permits/staff/tasks/{task.pk}/"))
    assert NIGHT in page


def test_a_service_cannot_change_the_library(town, staff_client):
    http = staff_client(town["reviewer"])
    assert http.get("/pully/permits/staff/conditions/").status_code == 403
    response = http.post(
        f"/pully/permits/staff/conditions/{town['night'].pk}/retire/", {"retire": "1"}
    )
    assert response.status_code == 403


def test_another_towns_condition_is_a_404_and_cannot_be_chosen(town, town_b, staff_client):
    with scope(town_b):
        theirs = StandardCondition.objects.create(municipality=town_b, code="x", text="Lutry")
    http = staff_client(town["officer"])

    assert http.get(f"/pully/permits/staff/conditions/{theirs.pk}/").status_code == 404
    page = _text(_grant(http, town["permit"], standard_conditions=[theirs.pk]))
    assert "Cette condition ne figure plus dans la bibliothèque de la commune." in page
    with scope(town["town"]):
        assert PermitRequest.objects.get(pk=town["permit"].pk).status == Status.IN_REVIEW


def test_the_grant_service_refuses_a_retired_condition_whatever_the_form(town):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from commune.permits.services.conditions import condition_retire
    from commune.permits.services.decision import permit_grant

    with scope(town["town"]):
        condition_retire(condition=town["trees"], actor=town["officer"])
        with pytest.raises(ValidationError) as refused:
            permit_grant(
                permit=town["permit"],
                officer=town["officer"],
                now=timezone.now(),
                standard_conditions=[town["trees"]],
            )
        assert "standard_conditions" in refused.value.error_dict
        assert PermitRequest.objects.get(pk=town["permit"].pk).status == Status.IN_REVIEW
