"""Permits bill through billing: the invoice at the grant (fees and the deposit, held), and a
supplementary invoice or a credit note when the fees change — a value test of the tariff."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from commune.accounts.tests.factories import MembershipFactory, UserFactory
from commune.billing.models import Deposit, Invoice
from commune.permits.models import PermitRequest
from commune.permits.services.billing import permit_fees_rebill, permit_invoices
from commune.permits.services.decision import permit_grant
from commune.permits.services.works import extension_decide, extension_request
from commune.permits.tests.factories import draft, town_settings

from .factories import billing_settings_for

ZURICH = ZoneInfo("Europe/Zurich")
START = dt.date(2026, 6, 1)
GRANTED_AT = dt.datetime(2026, 5, 20, 10, tzinfo=ZURICH)


@pytest.fixture
def billing_town(in_town):
    in_town.modules = [*in_town.modules, "billing"]
    in_town.save(update_fields=["modules"])
    billing_settings_for(in_town)
    town_settings(in_town, fee_base=Decimal("100"), rates={"local": "0.20", "collector": "0.35"})
    return in_town


@pytest.fixture
def officer(in_town):
    return MembershipFactory(municipality=in_town, role="permit_officer").user


@pytest.fixture
def permit(billing_town):
    """Like PLY-2026-0005: 18 m² (6 × 3 m) on a collector road for 12 days."""
    applicant = UserFactory(full_name="Luc Favre", language="fr")
    permit = draft(
        billing_town,
        w=6,
        h=3,
        applicant=applicant,
        road_category="collector",
        planned_start=START,
        planned_end=START + dt.timedelta(days=11),
        invoice_address="Romande Energie SA\nRue de Lausanne 53\n1110 Morges",
    )
    permit.status = PermitRequest.Status.IN_REVIEW
    permit.reference = "PLY-2026-0005"
    permit.save()
    return permit


def test_the_grant_issues_one_invoice_with_the_fees_and_holds_the_deposit(permit, officer):
    # when the officer grants the permit (twice: a repeated grant bills nothing more)
    granted = permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    # then the invoice bills the tariff: CHF 100 + 18 m² × 12 days × 0.35 = 175.60, and the
    # deposit of max(18 × 50, 500) = 900.00 on its own line, held
    [invoice] = permit_invoices(granted)
    assert granted.fee_total == Decimal("175.60")
    assert [line.amount for line in invoice.lines.all()] == [
        Decimal("100.00"),
        Decimal("75.60"),
        Decimal("900.00"),
    ]
    assert invoice.total == Decimal("1075.60") and invoice.source_label == "PLY-2026-0005"
    assert (invoice.debtor_name, invoice.debtor_street, invoice.debtor_building_number) == (
        "Romande Energie SA",
        "Rue de Lausanne",
        "53",
    )
    assert (invoice.debtor_postcode, invoice.debtor_town) == ("1110", "Morges")
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.HELD and deposit.amount == Decimal("900.00")
    assert deposit.invoice == invoice


@pytest.mark.parametrize(
    "address",
    ["Chemin des Vignes 3\n1009 Pully", "Luc Favre\nChemin des Vignes 3\n1009 Pully"],
)
def test_an_address_without_a_name_line_is_billed_to_the_applicant(permit, officer, address):
    # given: the applicant typed the invoicing address with or without their name above it
    permit.invoice_address = address
    permit.save(update_fields=["invoice_address"])
    # when
    [invoice] = permit_invoices(permit_grant(permit=permit, officer=officer, now=GRANTED_AT))
    # then: the debtor is the person, at the street, never the street as a name
    assert (invoice.debtor_name, invoice.debtor_street, invoice.debtor_building_number) == (
        "Luc Favre",
        "Chemin des Vignes",
        "3",
    )
    assert (invoice.debtor_postcode, invoice.debtor_town) == ("1009", "Pully")


def test_an_extension_from_12_to_40_days_bills_the_difference(permit, officer):
    # given the permit granted for 12 days (CHF 175.60 of fees)
    permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    # when the officer accepts an extension to 40 days
    extension = extension_request(
        permit=permit,
        applicant=permit.applicant,
        new_end=START + dt.timedelta(days=39),
        reason="Roche",
    )
    extension_decide(extension=extension, officer=officer, accept=True, now=GRANTED_AT)
    # then a supplementary invoice bills 28 more days: 18 m² × 28 × CHF 0.35 = CHF 176.40
    grant_invoice, supplement = permit_invoices(permit)
    assert supplement.kind == Invoice.Kind.INVOICE and supplement.corrects == grant_invoice
    assert supplement.total == Decimal("176.40")
    assert "40" in supplement.lines.get().label
    # and the permit now says what it bills: 100 + 18 × 40 × 0.35 = 352.00
    permit.refresh_from_db()
    assert permit.fee_total == Decimal("352.00") and permit.fee_occupation == Decimal("252.00")
    # and deciding again bills nothing more
    extension_decide(extension=extension, officer=officer, accept=True, now=GRANTED_AT)
    assert permit_invoices(permit).count() == 2


def test_a_cheaper_road_category_gives_a_credit_note(permit, officer):
    permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    # when staff correct the road category to a local road (0.20 instead of 0.35)
    permit.refresh_from_db()
    permit.road_category = "local"
    permit.save(update_fields=["road_category"])
    note = permit_fees_rebill(
        permit=permit, purpose="road-category-1", why="catégorie corrigée", now=GRANTED_AT
    )
    # then a credit note takes off 18 × 12 × (0.35 − 0.20) = CHF 32.40, on the grant's invoice
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.total == Decimal("32.40")
    assert note.corrects == permit_invoices(permit).first()
    again = permit_fees_rebill(
        permit=permit, purpose="road-category-1", why="catégorie corrigée", now=GRANTED_AT
    )
    # and asked again, nothing changed: nothing is issued
    assert again is None and permit_invoices(permit).count() == 2


def test_a_town_without_billing_issues_no_invoice(permit, officer, billing_town):
    billing_town.modules = [m for m in billing_town.modules if m != "billing"]
    billing_town.save(update_fields=["modules"])
    granted = permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    assert granted.fee_total == Decimal("175.60")
    assert not permit_invoices(granted).exists()


def test_the_permits_invoice_pdf_is_billings_invoice(permit, officer):
    import io  # noqa: PLC0415 - only this test reads a PDF

    import pypdf  # noqa: PLC0415

    from commune.permits import pdf  # noqa: PLC0415

    granted = permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    body = pdf.invoice_pdf(permit=granted, language="fr")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "F-2026-00001" in text and "PLY-2026-0005" in text
    compact = "".join(text.split()).replace("'", "").replace("\u202f", "").replace(",", ".")
    assert "Sectionpaiement" in compact and "CHF1075.60" in compact


def test_the_permit_page_lists_its_invoices(client, staff_client, permit, officer, billing_town):
    permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    # the applicant reads the invoice's number and status on the permit's page
    client.force_login(permit.applicant)
    page = client.get(f"/pully/permits/{permit.pk}/").content.decode()
    invoice = permit_invoices(permit).get()
    assert "F-2026-00001" in page and f'/billing/invoices/{invoice.pk}/"' not in page
    client.logout()
    # finance opens it from there
    finance = MembershipFactory(municipality=billing_town, role="finance").user
    MembershipFactory(municipality=billing_town, role="permit_officer", user=finance)
    page = staff_client(finance).get(f"/pully/permits/staff/{permit.pk}/").content.decode()
    assert f"/pully/billing/invoices/{invoice.pk}/" in page


def test_the_applicant_downloads_the_supplementary_invoice_and_nobody_else(client, permit, officer):
    permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    extension = extension_request(
        permit=permit,
        applicant=permit.applicant,
        new_end=START + dt.timedelta(days=39),
        reason="Roche",
    )
    extension_decide(extension=extension, officer=officer, accept=True, now=GRANTED_AT)
    supplement = permit_invoices(permit).last()
    url = f"/pully/billing/invoices/{supplement.pk}/invoice.pdf"
    # anonymous: the login first
    assert client.get(url).status_code == 302
    # the applicant, who was billed: the PDF, linked from the permit's page
    client.force_login(permit.applicant)
    assert url in client.get(f"/pully/permits/{permit.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # someone else: not found
    client.force_login(UserFactory(full_name="Curieux"))
    assert client.get(url).status_code == 404


def test_the_applicant_receives_the_supplementary_invoice_by_mail(
    permit, officer, smtp_server, django_capture_on_commit_callbacks
):
    # given the grant (its invoice is mailed too)
    with django_capture_on_commit_callbacks(execute=True):
        permit_grant(permit=permit, officer=officer, now=GRANTED_AT)
    extension = extension_request(
        permit=permit,
        applicant=permit.applicant,
        new_end=START + dt.timedelta(days=39),
        reason="Roche",
    )
    # when the extension is accepted
    with django_capture_on_commit_callbacks(execute=True):
        extension_decide(extension=extension, officer=officer, accept=True, now=GRANTED_AT)
    # then the applicant has both invoices, the second saying why, each with its PDF
    mails = smtp_server.wait_for(2)
    invoices = {mail["Subject"]: mail for mail in mails if "F-2026" in mail["Subject"]}
    assert len(invoices) == 2
    supplement = next(m for s, m in invoices.items() if "F-2026-00002" in s)
    assert supplement["To"] == permit.applicant.email
    text = smtp_server.text_of(supplement).replace(",", ".")
    assert "CHF 176.40" in text and "F-2026-00001" in text
    pdfs = [p for p in supplement.walk() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_payload(decode=True).startswith(b"%PDF")
