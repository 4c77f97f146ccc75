"""The large-print layout shared by the weekly agenda and the posters: styles of 14 pt and more,
paragraphs, the page footer, the A4 document and a vector QR code."""

from __future__ import annotations

from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
)

from commune.tenants.documents import fonts

#: The smallest type on paper: nothing is printed smaller (tests read the PDF back).
MIN_PT = 14


def style_sheet() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    black = colors.black

    def style(name, font, size, leading, **kw):
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, textColor=black, **kw
        )

    return {
        "title": style("title", bold, 28, 34, spaceAfter=6),
        "subtitle": style("subtitle", regular, 18, 24, spaceAfter=10),
        "area": style("area", bold, 22, 28, spaceBefore=10, spaceAfter=4),
        "day": style("day", bold, 18, 24, spaceBefore=8, spaceAfter=2),
        "entry": style("entry", bold, 16, 21, spaceBefore=6),
        "body": style("body", regular, MIN_PT, 19),
        "strong": style("strong", bold, MIN_PT, 19),
        "poster_title": style("poster_title", bold, 34, 40, spaceAfter=10),
        "poster_big": style("poster_big", bold, 20, 26, spaceBefore=8, spaceAfter=2),
        "poster_body": style("poster_body", regular, 16, 22),
        "banner": style("banner", bold, 30, 38, spaceAfter=8),
    }


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def labelled(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    """ "Label: value" with the label in bold (same size: nothing under MIN_PT)."""
    _regular, bold = fonts()
    return Paragraph(f'<font name="{bold}">{escape(label)}</font> {escape(value)}', style)


def page_footer(town, title: str):
    regular, _bold = fonts()

    def draw(canvas, doc):
        width, _height = A4
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.setFont(regular, MIN_PT)
        canvas.drawString(18 * mm, 10 * mm, f"{town.name} — {title}")
        canvas.drawRightString(width - 18 * mm, 10 * mm, _("Page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    return draw


def a4_document(buffer, *, title: str, town) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=town.name,
    )


class QrCode(Flowable):
    """A QR code drawn as vector squares (segno computes the matrix), as permits' PDF does."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self):
        matrix = list(self.qr.matrix)
        border = 4
        step = self.size / (len(matrix) + 2 * border)
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for row, line in enumerate(matrix):
            for col, dark in enumerate(line):
                if dark:
                    x = (col + border) * step
                    y = self.size - (row + border + 1) * step
                    canvas.rect(x, y, step, step, stroke=0, fill=1)


#: The poster's QR code: big enough to scan from a metre away.
QR_SIZE = 70 * mm
