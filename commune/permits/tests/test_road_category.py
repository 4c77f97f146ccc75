"""Staff correct the road category the applicant chose (it sets the occupation fee): under
review it only changes the file; after the grant the difference is billed (a credit note or a
supplementary invoice, amounts computed by hand from the tariff) and the applicant is mailed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.billing.models import Invoice
from commune.billing.tests.factories import billing_settings_for
from commune.core.models import AuditEntry
from commune.permits.models import PermitRequest
from commune.permits.services.billing import permit_invoices
from commune.permits.services.decision import permit_grant
from commune.permits.tests.factories import draft, town_settings
from commune.tenants.models import Department
from commune.tenants.scoping import scope

Status = PermitRequest.Status
ZURICH = ZoneInfo("Europe/Zurich")
START = dt.date(2026, 6, 1)
GRANTED_AT = dt.datetime(2026, 5, 20, 10, tzinfo=ZURICH)


def _member(town, role, department=None):
    user = UserFactory(kind="staff")
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role, department=department)
    return user


@pytest.fixture
def officer(town_a):
    return _member(town_a, Role.PERMIT_OFFICER)


@pytest.fixture
def permit(town_a):
    """18 m² (6 × 3 m) on a collector road for 12 days, in a town that bills through billing
    (base CHF 100; CHF 0.20 per m² and day on a local road, 0.35 on a collector, 0.50 on a
    main road)."""
    with scope(town_a):
        town_a.modules = [*town_a.modules, "billing"]
        town_a.save(update_fields=["modules"])
        billing_settings_for(town_a)
        town_settings(
            town_a,
            fee_base=Decimal("100"),
            rates={"local": "0.20", "collector": "0.35", "main": "0.50"},
        )
        permit = draft(
            town_a,
            w=6,
            h=3,
            applicant=UserFactory(full_name="Luc Favre", language="fr"),
            road_category="collector",
            planned_start=START,
            planned_end=START + dt.timedelta(days=11),
            invoice_address="Romande Energie SA\nRue de Lausanne 53\n1110 Morges",
        )
        permit.status = Status.IN_REVIEW
        permit.reference = "PLY-2026-0005"
        permit.save()
    return permit


def _correct(http, permit, category, reason="Route collectrice selon le plan directeur."):
    return http.post(
        f"/pully/permits/staff/{permit.pk}/road-category/",
        {"category": category, "reason": reason},
        follow=True,
    )


def test_after_the_grant_a_cheaper_category_gives_a_credit_note_and_a_mail(
    town_a, permit, officer, staff_client, smtp_server, django_capture_on_commit_callbacks
):
    # given the permit granted on a collector road: 100 + 18 × 12 × 0.35 = CHF 175.60
    with scope(town_a), django_capture_on_commit_callbacks(execute=True):
        permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    smtp_server.wait_for(2)  # the grant and its invoice
    http = staff_client(officer)

    # when the officer corrects it to a local road, with the reason
    with django_capture_on_commit_callbacks(execute=True):
        response = _correct(http, permit, "local", "Chemin communal, pas une route collectrice.")

    # then the page confirms, the file and its fees follow: 100 + 18 × 12 × 0.20 = CHF 143.20
    page = response.content.decode()
    assert response.status_code == 200
    assert "La catégorie de route est corrigée" in page
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.road_category == "local" and permit.fee_total == Decimal("143.20")
        # and a credit note takes off 18 × 12 × (0.35 − 0.20) = CHF 32.40 from the grant's
        grant_invoice, note = permit_invoices(permit)
        assert note.kind == Invoice.Kind.CREDIT_NOTE and note.total == Decimal("32.40")
        assert note.corrects == grant_invoice
        assert "catégorie de route corrigée" in note.lines.get().label  # the town's language
        # and the trail keeps who, what and why
        entry = AuditEntry.objects.get(action="road_category_corrected")
        assert (entry.before, entry.after) == (
            {"road_category": "collector"},
            {"road_category": "local"},
        )
        assert (
            entry.comment == "Chemin communal, pas une route collectrice."
            and entry.actor == officer
        )
    # and the applicant is told, never silently: the notice with the reason, and the credit note
    mails = smtp_server.wait_for(4)[2:]
    notice = next(m for m in mails if "catégorie" in m["Subject"].lower())
    assert notice["To"] == permit.applicant.email
    text = smtp_server.text_of(notice)
    assert "Route collectrice" in text and "Route de desserte" in text
    assert "Chemin communal, pas une route collectrice." in text

    # when the same form is sent twice, nothing more is billed or mailed
    with django_capture_on_commit_callbacks(execute=True):
        again = _correct(http, permit, "local", "Chemin communal, pas une route collectrice.")
    assert (
        "rien n’a changé" in again.content.decode() or "rien n'a changé" in again.content.decode()
    )
    with scope(town_a):
        assert permit_invoices(permit).count() == 2
        assert AuditEntry.objects.filter(action="road_category_corrected").count() == 1


def test_after_the_grant_a_dearer_category_gives_a_supplementary_invoice(
    town_a, permit, officer, staff_client
):
    with scope(town_a):
        permit_grant(permit=permit, officer=officer, now=GRANTED_AT)

    _correct(staff_client(officer), permit, "main")

    # 18 × 12 × (0.50 − 0.35) = CHF 32.40 more, on an invoice pointing to the grant's
    with scope(town_a):
        grant_invoice, supplement = permit_invoices(permit)
        assert supplement.kind == Invoice.Kind.INVOICE and supplement.total == Decimal("32.40")
        assert supplement.corrects == grant_invoice
        permit.refresh_from_db()
        assert permit.fee_total == Decimal("208.00")  # 100 + 18 × 12 × 0.50


def test_under_review_the_category_changes_and_the_grant_bills_it(
    town_a, permit, officer, staff_client
):
    _correct(staff_client(officer), permit, "local")

    with scope(town_a):
        permit.refresh_from_db()
        assert permit.road_category == "local" and not permit_invoices(permit).exists()
        granted = permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
        assert granted.fee_total == Decimal("143.20")  # 100 + 18 × 12 × 0.20
        assert permit_invoices(permit).count() == 1


def test_without_a_reason_nothing_changes_and_the_page_says_why(
    town_a, permit, officer, staff_client
):
    response = _correct(staff_client(officer), permit, "local", reason="  ")

    assert "Indiquez pourquoi la catégorie de route est corrigée." in response.content.decode()
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.road_category == "collector"
        assert not AuditEntry.objects.filter(action="road_category_corrected").exists()


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REFUSED])
def test_a_finished_file_keeps_its_category(town_a, permit, officer, staff_client, status):
    with scope(town_a):
        PermitRequest.objects.filter(pk=permit.pk).update(status=status)

    response = _correct(staff_client(officer), permit, "local")

    assert "ne peut plus être corrigée" in response.content.decode()
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.road_category == "collector"


def test_only_an_officer_of_the_town_corrects(town_a, town_b, permit, staff_client):
    with scope(town_a):
        roads = Department.objects.create(municipality=town_a, code="roads", name="Routes")
    reviewer = _member(town_a, Role.SERVICE_REVIEWER, roads)
    other_officer = _member(town_b, Role.PERMIT_OFFICER)

    assert _correct(staff_client(reviewer), permit, "local").status_code == 403
    wrong_town = staff_client(other_officer).post(
        f"/lutry/permits/staff/{permit.pk}/road-category/", {"category": "local", "reason": "x"}
    )
    assert wrong_town.status_code == 404
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.road_category == "collector"
