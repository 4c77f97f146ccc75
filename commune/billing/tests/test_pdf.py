"""The invoice PDF: its QR-bill payment part, read off the rendered page by zbar, is a valid
Swiss QR-bill payload (SIX IG QR-bill 2.3) for this invoice."""

import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageDraw
from stdnum import iban as stdnum_iban
from stdnum.ch import esr

from commune.billing import pdf
from commune.billing.services.payments import payment_record

from .factories import PLAIN_IBAN, QR_IBAN, billing_settings_for, issue


def _mod10_recursive(digits: str) -> str:
    table = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5]
    carry = 0
    for digit in digits:
        carry = table[(carry + int(digit)) % 10]
    return str((10 - carry) % 10)


#: Where SIX puts the payment part's QR code: 46 × 46 mm, 67 mm from the page's left edge and
#: 17 mm below the top of the payment part, which takes the foot (105 mm + scissors) of A4.
QR_LEFT_MM, QR_SIZE_MM, QR_TOP_MM = 67, 45.8, 297 - 106 + 17.2156


def qr_codes_on_pages(body: bytes, folder: Path) -> list[str]:
    """poppler renders each page at 300 dpi, zbar reads the QR codes on them.

    zbar stumbles on the Swiss cross itself (a 7 mm logo over the code's centre: its error
    correction then gives up, mchehab/zbar#121, #167, #216), where phones and banking apps
    read the code. Before zbar reads the first page, the 7 mm square of the cross, where SIX
    puts it, is painted white: the modules under it are then recovered by the code's own error
    correction, as a phone does. Nothing else of the page is touched."""
    document = folder / "invoice.pdf"
    document.write_bytes(body)
    subprocess.run(["pdftoppm", "-r", "300", "-png", document, folder / "page"], check=True)
    pages = sorted(folder.glob("page*.png"))
    assert pages
    with Image.open(pages[0]) as first:
        picture = first.convert("L")
    dots_per_mm = picture.width / 210
    centre_x = (QR_LEFT_MM + QR_SIZE_MM / 2) * dots_per_mm
    centre_y = (QR_TOP_MM + QR_SIZE_MM / 2) * dots_per_mm
    half = 3.6 * dots_per_mm
    ImageDraw.Draw(picture).rectangle(
        (centre_x - half, centre_y - half, centre_x + half, centre_y + half), fill=255
    )
    picture.save(pages[0])
    return [code for page in pages if (code := zbar_read(page))]


def zbar_read(picture: Path) -> str:
    """The bytes zbar reads off a picture, as they are (-Sbinary: zbar's own text conversion
    mangles the UTF-8 of "Prieuré"), or "" when it finds no code."""
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sbinary", "-Sdisable", "-Sqrcode.enable", str(picture)],
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 4), done.stderr
    data = done.stdout.decode("utf-8")
    return data[:-1] if data.endswith("\n") else data


def swiss_qr_payload(data: str) -> dict[str, str]:
    """The fields of a QR-bill payload by their place in SIX IG QR-bill 2.3, §4.3.3 (version
    0200, structured addresses "S"): checked against the guideline, not against qrbill."""
    lines = data.replace("\r\n", "\n").split("\n")
    assert lines[:3] == ["SPC", "0200", "1"], lines[:3]
    names = [
        "QRType", "Version", "Coding", "IBAN",
        "Cr.AdrTp", "Cr.Name", "Cr.Street", "Cr.BldgNb", "Cr.PstCd", "Cr.TwnNm", "Cr.Ctry",
        "UCr.AdrTp", "UCr.Name", "UCr.Street", "UCr.BldgNb", "UCr.PstCd", "UCr.TwnNm", "UCr.Ctry",
        "Amt", "Ccy",
        "Db.AdrTp", "Db.Name", "Db.Street", "Db.BldgNb", "Db.PstCd", "Db.TwnNm", "Db.Ctry",
        "RefTp", "Ref", "Ustrd", "Trailer",
    ]  # fmt: skip
    assert len(lines) >= len(names)
    fields = dict(zip(names, lines, strict=False))
    assert fields["Trailer"] == "EPD"
    return fields


@pytest.fixture
def invoice(in_town):
    billing_settings_for(in_town)
    return issue(in_town, amount="175.60")


def test_the_payment_part_decodes_to_a_valid_swiss_qr_bill(invoice, tmp_path):
    # given an invoice of CHF 175.60 for a town with a QR-IBAN
    # when its PDF is rendered at 300 dpi and the QR code read back by zbar
    settings = billing_settings_for(invoice.municipality)
    body = pdf.invoice_pdf(invoice=invoice, settings=settings, language="fr")
    codes = qr_codes_on_pages(body, tmp_path)
    # then there is one code, a Swiss QR-bill for this invoice
    assert len(codes) == 1
    fields = swiss_qr_payload(codes[0])
    assert fields["IBAN"] == QR_IBAN and stdnum_iban.is_valid(fields["IBAN"])
    assert 30000 <= int(fields["IBAN"][4:9]) <= 31999  # a QR-IBAN
    assert fields["Cr.Name"] == "Commune de Pully" and fields["Cr.PstCd"] == "1009"
    assert fields["Amt"] == "175.60" and Decimal(fields["Amt"]) == invoice.total
    assert fields["Ccy"] == "CHF"
    assert (fields["Db.AdrTp"], fields["Db.Name"], fields["Db.PstCd"], fields["Db.TwnNm"]) == (
        "S", "Romande Energie SA", "1110", "Morges",
    )  # fmt: skip
    assert fields["RefTp"] == "QRR" and fields["Ref"] == invoice.reference
    assert len(fields["Ref"]) == 27 and fields["Ref"][-1] == _mod10_recursive(fields["Ref"][:-1])
    assert esr.is_valid(fields["Ref"])
    # and the page says it in words too: number, reference, receipt and payment part
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert invoice.number in text and "Récépissé" in text and "Section paiement" in text
    assert "Romande Energie SA" in text


def test_a_partly_paid_invoice_asks_for_what_is_left(invoice, tmp_path):
    payment_record(invoice=invoice, amount=Decimal("100"), booked_on=dt.date(2026, 5, 10))
    invoice.refresh_from_db()
    settings = billing_settings_for(invoice.municipality)
    codes = qr_codes_on_pages(pdf.invoice_pdf(invoice=invoice, settings=settings), tmp_path)
    assert swiss_qr_payload(codes[0])["Amt"] == "75.60"


def test_a_plain_iban_carries_a_creditor_reference(in_town, tmp_path):
    settings = billing_settings_for(in_town, iban=PLAIN_IBAN)
    invoice = issue(in_town, amount="42.00")
    fields = swiss_qr_payload(
        qr_codes_on_pages(pdf.invoice_pdf(invoice=invoice, settings=settings), tmp_path)[0]
    )
    assert fields["IBAN"] == PLAIN_IBAN
    assert fields["RefTp"] == "SCOR" and fields["Ref"] == invoice.reference
    assert fields["Amt"] == "42.00"


def test_a_paid_invoice_has_no_payment_part(invoice, tmp_path):
    payment_record(invoice=invoice, amount=invoice.total, booked_on=dt.date(2026, 5, 10))
    invoice.refresh_from_db()
    settings = billing_settings_for(invoice.municipality)
    assert qr_codes_on_pages(pdf.invoice_pdf(invoice=invoice, settings=settings), tmp_path) == []
