"""The town's printed layout, shared by every module's PDFs (permits, invoices): fonts, styles,
the page frame with the town's name, colour and logo, and small text helpers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """DejaVu (full Unicode: accents, ², CHF) when installed; Helvetica otherwise."""
    global _fonts
    if _fonts is None:
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
            _fonts = ("DejaVu", "DejaVu-Bold")
        else:
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def town_colour(town):
    return colors.HexColor(town.primary_colour or "#1f4e79")


def styles(colour) -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=10),
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=17, leading=21, textColor=colour, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=bold,
            fontSize=11.5,
            leading=14,
            textColor=colour,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "label": ParagraphStyle("label", fontName=bold, fontSize=9.5, leading=12.5),
    }


def paragraph(text, style) -> Paragraph:
    """Plain text (escaped, line breaks kept) as a paragraph."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def day_text(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def chf_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return "CHF " + formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def page_frame(town, title: str, *, footer: bool = True):
    """Header band in the town's colour with its name and logo; footer with the page (left out
    where something else takes the foot of the page, as an invoice's payment part)."""
    regular, bold = fonts()
    colour = town_colour(town)

    def draw(canvas, doc):
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(colour)
        canvas.rect(0, height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
        x = 18 * mm
        if town.logo:
            try:
                with town.logo.open("rb") as fh:
                    canvas.drawImage(
                        ImageReader(io.BytesIO(fh.read())),
                        x,
                        height - 19 * mm,
                        16 * mm,
                        16 * mm,
                        preserveAspectRatio=True,
                        mask="auto",
                    )
                x += 20 * mm
            except (OSError, ValueError):
                pass  # a missing or unreadable logo must not stop the document
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 15)
        canvas.drawString(x, height - 12 * mm, town.name)
        canvas.setFont(regular, 9)
        canvas.drawString(x, height - 17 * mm, title)
        if footer:
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.setFont(regular, 7.5)
            canvas.drawString(18 * mm, 10 * mm, f"{town.name} · {town.contact_email}")
            canvas.drawRightString(width - 18 * mm, 10 * mm, _("Page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    return draw


def document(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="commune",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=30 * mm,
        bottomMargin=18 * mm,
    )


def facts(rows: list[tuple[str, str]], style_set) -> Table:
    """Label → value rows, lined."""
    data = [
        [paragraph(label, style_set["label"]), paragraph(value, style_set["body"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[48 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
