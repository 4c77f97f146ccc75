"""The permit and invoice PDFs, their downloads, and the verification page the QR opens."""

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory, add_member
from commune.core.testing import qr_codes_in
from commune.permits import pdf
from commune.permits.models import PermitRequest
from commune.permits.public.verification import permit_id_from_token, verify_token, verify_url
from commune.permits.tests.public_helpers import work
from commune.tenants.scoping import scope

# Reads the date or the hour: ./test runs it again under shifted clocks (docs/testing.md).
pytestmark = pytest.mark.clock

Status = PermitRequest.Status


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def permit(town_a):
    with scope(town_a):
        return work(town_a, road_closure=PermitRequest.Closure.ONE_LANE)


def test_permit_pdf_has_reference_conditions_fees_and_the_verification_url(permit, town_a):
    # given
    url = verify_url(permit, base="https://e.example.ch")
    # when
    with scope(town_a):
        body = pdf.permit_pdf(permit=permit, verify_url=url, language="fr")
    # then
    text = pdf_text(body)
    assert body.startswith(b"%PDF")
    assert permit.reference in text
    assert "Remettre le revêtement en état sous 10 jours." in text
    assert "112.50" in text.replace("'", "") or "112,50" in text
    assert town_a.name in text
    assert permit.organisation.name in text
    assert url in text.replace("\n", "")


def qr_codes_on_pages(body: bytes, folder: Path) -> list[str]:
    """What a phone reads off the printed PDF: poppler renders each page at 300 dpi, zbar
    decodes every QR code on them."""
    document = folder / "document.pdf"
    document.write_bytes(body)
    subprocess.run(["pdftoppm", "-r", "300", "-png", document, folder / "page"], check=True)
    pages = sorted(folder.glob("page*.png"))
    assert pages, "poppler rendered no page"
    return [code for page in pages for code in qr_codes_in(page)]


def test_the_qr_code_in_the_pdf_decodes_to_the_printed_url(permit, town_a, tmp_path):
    # given a permit's PDF made for its verification URL
    url = verify_url(permit, base="https://e.example.ch")
    with scope(town_a):
        body = pdf.permit_pdf(permit=permit, verify_url=url, language="fr")
    # when the QR code drawn in it is read off the rendered page
    decoded = qr_codes_on_pages(body, tmp_path)
    # then it is that URL, the same one printed beside it, and its token names the permit (the
    # token holds the second it was signed: it is read back, not signed a second time)
    assert decoded == [url]
    assert url in pdf_text(body).replace("\n", "")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert permit_id_from_token(token, municipality=permit.municipality) == permit.pk


def test_invoice_pdf_lists_the_fees_and_the_amount_due(permit, town_a):
    with scope(town_a):
        text = pdf_text(pdf.invoice_pdf(permit=permit, language="fr"))
    assert permit.reference in text
    assert "Case postale 1, 1009 Pully" in text
    assert "612.50" in text.replace("'", "") or "612,50" in text


def test_the_downloaded_permits_qr_code_opens_the_verification_page(client, permit, tmp_path):
    # given: the applicant downloads the permit
    client.force_login(permit.applicant)
    response = client.get(f"/pully/works/documents/{permit.pk}/permit.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # when: anyone scans the QR code (the same URL is printed under it)
    [url] = qr_codes_on_pages(response.content, tmp_path)
    text = pdf_text(response.content).replace("\n", "")
    assert re.search(r"https?://\S+/pully/works/verify/[^/\s]+/", text).group(0) == url
    client.logout()
    page = client.get(url.split("testserver", 1)[1])
    # then
    body = page.content.decode()
    assert page.status_code == 200
    assert "valide" in body.lower()
    assert permit.reference in body
    for personal in (permit.site_manager_name, permit.site_manager_phone, permit.applicant.email):
        assert personal not in body


def test_a_forged_or_foreign_token_does_not_verify(client, permit, town_b):
    # given
    with scope(town_b):
        foreign = work(town_b)
    # when
    forged = client.get(f"/pully/works/verify/{permit.pk}/")
    tampered = client.get(f"/pully/works/verify/{verify_token(permit)[:-2]}xx/")
    other_town = client.get(f"/pully/works/verify/{verify_token(foreign)}/")
    # then
    for response in (forged, tampered, other_town):
        assert response.status_code == 404
        assert "Not valid" in response.content.decode() or "Non valide" in response.content.decode()


def test_an_expired_or_closed_permit_is_shown_as_not_valid(client, town_a):
    import datetime as dt

    with scope(town_a):
        closed = work(town_a, status=Status.CLOSED)
        expired = work(town_a, start=dt.date(2020, 1, 6), days=3)
    for permit in (closed, expired):
        body = client.get(f"/pully/works/verify/{verify_token(permit)}/").content.decode()
        assert "badge danger" in body and "badge ok" not in body


def test_only_the_applicant_and_town_staff_download_the_pdfs(client, staff_client, permit, town_a):
    paths = [
        f"/pully/works/documents/{permit.pk}/permit.pdf",
        f"/pully/works/documents/{permit.pk}/invoice.pdf",
    ]
    # anonymous: asked to log in
    for path in paths:
        assert client.get(path).status_code == 302
    # another company's user: 404
    client.force_login(UserFactory())
    for path in paths:
        assert client.get(path).status_code == 404
    # a colleague in the applicant's organisation: allowed
    colleague = UserFactory()
    add_member(permit.organisation, colleague)
    client.force_login(colleague)
    assert all(client.get(path).status_code == 200 for path in paths)
    # town staff who passed the second factor: allowed
    officer = UserFactory(kind="staff")
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=officer, role=Role.PERMIT_OFFICER)
    staff = staff_client(officer)
    assert all(staff.get(path).status_code == 200 for path in paths)


def test_a_request_not_yet_granted_has_no_permit_pdf(client, town_a):
    with scope(town_a):
        pending = work(town_a, status=Status.IN_REVIEW)
    client.force_login(pending.applicant)
    assert client.get(f"/pully/works/documents/{pending.pk}/permit.pdf").status_code == 404


def _pdf_links(body: str) -> list[str]:
    return re.findall(r'href="(/pully/works/documents/\d+/[a-z]+\.pdf)"', body)


def test_the_granted_permits_page_links_the_permit_and_the_invoice_pdfs(
    client, staff_client, permit, town_a
):
    # given: a granted permit with fees
    with scope(town_a):
        permit.decided_at = timezone.now()
        permit.save(update_fields=["decided_at"])
    expected = [
        f"/pully/works/documents/{permit.pk}/permit.pdf",
        f"/pully/works/documents/{permit.pk}/invoice.pdf",
    ]
    # when: the applicant opens the permit's page
    client.force_login(permit.applicant)
    page = client.get(f"/pully/permits/{permit.pk}/")
    # then: both documents are linked and download as PDFs
    assert page.status_code == 200
    links = _pdf_links(page.content.decode())
    assert links == expected
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    # and the officer's page links the same two documents
    officer = UserFactory(kind="staff")
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=officer, role=Role.PERMIT_OFFICER)
    staff_page = staff_client(officer).get(f"/pully/permits/staff/{permit.pk}/")
    assert staff_page.status_code == 200
    assert _pdf_links(staff_page.content.decode()) == expected


def test_a_permit_without_fees_links_no_invoice(client, permit, town_a):
    # given
    with scope(town_a):
        permit.decided_at = timezone.now()
        permit.fee_total = None
        permit.save(update_fields=["decided_at", "fee_total"])
    client.force_login(permit.applicant)
    # when
    body = client.get(f"/pully/permits/{permit.pk}/").content.decode()
    # then
    assert _pdf_links(body) == [f"/pully/works/documents/{permit.pk}/permit.pdf"]
