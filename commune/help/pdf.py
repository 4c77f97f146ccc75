"""The letters that prove an address: one A4 page per neighbour, in large clear type (14 pt
and more, black on white), with the address window, the code, where and how to enter it, and
until when. The code in clear exists only in this PDF (the database keeps its hash)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from .services.neighbours import Letter, format_code

BODY_PT = 14
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def fonts() -> tuple[str, str]:
    """DejaVu (accents of every language) as permits' PDFs use it; Helvetica otherwise. The
    same fonts as commune/permits/pdf.py, which help may not import (layers)."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return ("Helvetica", "Helvetica-Bold")
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
    return ("DejaVu", "DejaVu-Bold")


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "body": ParagraphStyle("body", fontName=regular, fontSize=BODY_PT, leading=20),
        "address": ParagraphStyle("address", fontName=regular, fontSize=BODY_PT, leading=18),
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=26, spaceAfter=10),
        "code": ParagraphStyle(
            "code", fontName=bold, fontSize=30, leading=40, spaceBefore=8, spaceAfter=8
        ),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def address_block(n) -> str:
    return f"{n.user.full_name}\n{n.address}\n{n.postcode} {n.locality}"


def letters_pdf(*, letters: list[Letter], town, url: str) -> bytes:
    """One page per letter, in each neighbour's language."""
    styles = _styles()
    story = []
    for index, letter in enumerate(letters):
        n = letter.neighbour
        with translation.override(n.user.language or "fr"):
            local = timezone.localtime(letter.expires_at)
            until = formats.date_format(local.date(), "DATE_FORMAT")
            story += [
                _p(town.name, styles["body"]),
                Spacer(1, 25 * mm),
                _p(address_block(n), styles["address"]),
                Spacer(1, 20 * mm),
                _p(_("Your code for neighbourhood help"), styles["title"]),
                _p(
                    _(
                        "You asked to join your neighbours' help network. This code proves "
                        "that you live at this address."
                    ),
                    styles["body"],
                ),
                _p(format_code(letter.code), styles["code"]),
                _p(_("How to enter it:"), styles["body"]),
                _p(_("1. Open %(url)s and log in.") % {"url": url}, styles["body"]),
                _p(_('2. Type the code in the box "The code on your letter".'), styles["body"]),
                _p(
                    _("The code works once, until %(day)s. Keep it to yourself.") % {"day": until},
                    styles["body"],
                ),
                Spacer(1, 6 * mm),
                _p(
                    _(
                        "No computer? Call us or come to the counter with this letter and an "
                        "identity document: %(contact)s"
                    )
                    % {"contact": town.contact_email},
                    styles["body"],
                ),
            ]
        if index < len(letters) - 1:
            story.append(PageBreak())
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_("Verification letters"),
    )
    doc.build(story or [_p(_("No letter to print."), styles["body"])])
    return buffer.getvalue()
