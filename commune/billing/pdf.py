"""The invoice (or credit note) as PDF in the town's layout, with the Swiss QR-bill payment
part at the foot of the first page. One layout for every module that bills."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from commune.billing.models import BillingSettings, Invoice
from commune.tenants.documents import (
    chf_text,
    day_text,
    facts,
    page_frame,
    paragraph,
    styles,
    town_colour,
)

from .qr import qr_bill, qr_bill_drawing
from .references import reference_display
from .services.payments import invoice_balance

#: The payment part and receipt take the bottom 105 mm (plus 1 mm for the scissors).
PAYMENT_PART_HEIGHT = 106 * mm


def _lines_table(invoice: Invoice, style_set, colour) -> Table:
    number = ParagraphStyle("number", parent=style_set["body"], alignment=TA_RIGHT)
    number_bold = ParagraphStyle("number_bold", parent=style_set["label"], alignment=TA_RIGHT)
    rows = [
        [
            paragraph(_("Item"), style_set["label"]),
            paragraph(_("Quantity"), number_bold),
            paragraph(_("Unit price"), number_bold),
            paragraph(_("Amount"), number_bold),
        ]
    ]
    for line in invoice.lines.all():
        quantity = line.quantity.normalize()
        rows.append(
            [
                paragraph(line.label, style_set["body"]),
                paragraph(f"{quantity:f}", number),
                paragraph(chf_text(line.unit_price), number),
                paragraph(chf_text(line.amount), number),
            ]
        )
    total_label = _("Total credited") if invoice.is_credit_note else _("Total")
    rows.append(
        [
            paragraph(total_label, style_set["label"]),
            "",
            "",
            paragraph(chf_text(invoice.total), number_bold),
        ]
    )
    table = Table(rows, colWidths=[None, 24 * mm, 30 * mm, 32 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colour),
                ("LINEBELOW", (0, 1), (-1, -2), 0.3, colors.HexColor("#cccccc")),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colour),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _story(invoice: Invoice, style_set, colour) -> list:
    title = _("Credit note") if invoice.is_credit_note else _("Invoice")
    rows = [
        (_("Number"), invoice.number),
        (_("Concerns"), invoice.source_label or "—"),
        (_("Date"), day_text(invoice.issued_on)),
    ]
    if invoice.is_credit_note and invoice.corrects_id:
        rows.append((_("Corrects invoice"), invoice.corrects.number))
    else:
        rows += [
            (_("Payable by"), day_text(invoice.due_on)),
            (_("Payment reference"), reference_display(invoice.reference)),
        ]
    story = [
        paragraph("\n".join(invoice.debtor_address_lines), style_set["body"]),
        Spacer(1, 8 * mm),
        paragraph(f"{title} {invoice.number}", style_set["title"]),
        facts(rows, style_set),
        Spacer(1, 5 * mm),
        _lines_table(invoice, style_set, colour),
        Spacer(1, 4 * mm),
    ]
    if invoice.amount_paid and not invoice.is_credit_note:
        story.append(
            paragraph(
                _("Already paid: %(paid)s. Still due: %(due)s.")
                % {
                    "paid": chf_text(invoice.amount_paid),
                    "due": chf_text(max(invoice_balance(invoice), 0)),
                },
                style_set["body"],
            )
        )
    if invoice.is_credit_note:
        story.append(
            paragraph(_("This amount is taken off the invoice it corrects."), style_set["body"])
        )
    else:
        story.append(
            paragraph(
                _("Please pay with the payment part below by %(due)s.")
                % {"due": day_text(invoice.due_on)},
                style_set["body"],
            )
        )
    return story


def invoice_pdf(
    *, invoice: Invoice, settings: BillingSettings, language: str | None = None
) -> bytes:
    """The invoice with its lines; an invoice still awaiting money carries the QR-bill payment
    part (receipt, payment part, perforation) at the foot of its first page."""
    town = invoice.municipality
    language = language or invoice.debtor_language or town.default_language
    with translation.override(language):
        colour = town_colour(town)
        style_set = styles(colour)
        title = _("Credit note") if invoice.is_credit_note else _("Invoice")
        with_slip = not invoice.is_credit_note and invoice.status not in (
            Invoice.Status.CANCELLED,
            Invoice.Status.PAID,
            Invoice.Status.REFUNDED,
        )
        drawing = (
            qr_bill_drawing(qr_bill(invoice=invoice, settings=settings, language=language))
            if with_slip
            else None
        )
        header = page_frame(town, title, footer=drawing is None)
        later = page_frame(town, title)

        def first_page(canvas, doc):
            header(canvas, doc)
            if drawing is not None:
                renderPDF.draw(drawing, canvas, 0, 0)

        width, height = A4
        bottom = PAYMENT_PART_HEIGHT + 6 * mm if drawing is not None else 18 * mm
        body = (18 * mm, bottom, width - 36 * mm, height - 30 * mm - bottom)
        normal = (18 * mm, 18 * mm, width - 36 * mm, height - 48 * mm)
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=A4, title=f"{title} {invoice.number}", author="commune"
        )
        doc.addPageTemplates(
            [
                PageTemplate(id="first", frames=[Frame(*body, id="f")], onPage=first_page),
                PageTemplate(id="later", frames=[Frame(*normal, id="n")], onPage=later),
            ]
        )
        doc.build([NextPageTemplate("later"), *_story(invoice, style_set, colour)])
        return buffer.getvalue()
