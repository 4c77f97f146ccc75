"""The Swiss QR-bill payment part (SIX Implementation Guidelines QR-bill 2.3) of an invoice:
receipt and payment part, 210 × 105 mm with its perforation line and scissors, made by the
`qrbill` library and drawn into our PDFs through svglib."""

from __future__ import annotations

import io

from qrbill import QRBill
from svglib.svglib import svg2rlg

from commune.billing.models import BillingSettings, Invoice

from .services.payments import invoice_balance

QRBILL_LANGUAGES = ("fr", "de", "it", "en")


def _address(*, name, street, number, postcode, town, country) -> dict:
    return {
        "name": name,
        "street": street,
        "house_num": number,
        "pcode": postcode,
        "city": town,
        "country": country or "CH",
    }


def qr_bill(*, invoice: Invoice, settings: BillingSettings, language: str) -> QRBill:
    """The QR-bill of `invoice`: the town's account and address, what is still owed, the
    invoice's reference (QRR with a QR-IBAN, SCOR otherwise) and the debtor when the address is
    complete enough to print (a blank box for the debtor to fill in otherwise)."""
    debtor = None
    if invoice.debtor_name and invoice.debtor_postcode and invoice.debtor_town:
        debtor = _address(
            name=invoice.debtor_name,
            street=invoice.debtor_street,
            number=invoice.debtor_building_number,
            postcode=invoice.debtor_postcode,
            town=invoice.debtor_town,
            country=invoice.debtor_country,
        )
    owed = invoice_balance(invoice)
    return QRBill(
        account=settings.account_iban,
        creditor=_address(
            name=settings.creditor_name,
            street=settings.creditor_street,
            number=settings.creditor_building_number,
            postcode=settings.creditor_postcode,
            town=settings.creditor_town,
            country=settings.creditor_country,
        ),
        amount=f"{owed:.2f}" if owed > 0 else None,
        currency=invoice.currency,
        debtor=debtor,
        reference_number=invoice.reference,
        additional_information=f"{invoice.number} {invoice.source_label}".strip()[:140],
        language=language if language in QRBILL_LANGUAGES else "fr",
    )


def qr_bill_drawing(bill: QRBill):
    """The payment part as a reportlab drawing (vector: the QR code stays sharp)."""
    svg = io.StringIO()
    bill.as_svg(svg)
    return svg2rlg(io.BytesIO(svg.getvalue().encode("utf-8")))
