"""The permit and its invoice as PDF, in the town's layout (name, colour, logo).

The map extract is vector graphics drawn from the geometries (LV95 metres, to scale, with a
scale bar): an overview of the territory and a detail of the work areas. The QR code opens
the public verification page; its URL is printed beside it as text.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from commune.permits.models import PermitRequest, ReviewTask
from commune.permits.pdf_map import MapExtract

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


def _styles(colour) -> dict[str, ParagraphStyle]:
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


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def _chf(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return "CHF " + formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


class QrCode(Flowable):
    """A QR code drawn as vector squares (segno computes the matrix)."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self):
        matrix = list(self.qr.matrix)
        border = 2
        modules = len(matrix) + 2 * border
        step = self.size / modules
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


def _page_frame(town, title: str):
    """Header band in the town's colour with its name and logo; footer with the page."""
    regular, bold = fonts()
    colour = colors.HexColor(town.primary_colour or "#1f4e79")

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
                pass  # a missing or unreadable logo must not stop the permit
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 15)
        canvas.drawString(x, height - 12 * mm, town.name)
        canvas.setFont(regular, 9)
        canvas.drawString(x, height - 17 * mm, title)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setFont(regular, 7.5)
        canvas.drawString(18 * mm, 10 * mm, f"{town.name} · {town.contact_email}")
        canvas.drawRightString(width - 18 * mm, 10 * mm, _("Page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    return draw


def _document(buffer, title: str) -> SimpleDocTemplate:
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


def _facts(rows: list[tuple[str, str]], styles) -> Table:
    data = [[_p(label, styles["label"]), _p(value, styles["body"])] for label, value in rows]
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


def permit_conditions(permit: PermitRequest) -> list[str]:
    """The permit's conditions: as decided (permit.conditions), else from the opinions."""
    texts = []
    for item in permit.conditions or []:
        if isinstance(item, dict):
            text, source = str(item.get("text", "")).strip(), item.get("department")
            text = f"{text} ({source})" if text and source else text
        else:
            text = str(item).strip()
        if text:
            texts.append(text)
    if texts:
        return texts
    tasks = permit.tasks.filter(status=ReviewTask.Status.ANSWERED).prefetch_related("conditions")
    for task in tasks:
        texts += [t for t in task.condition_texts() if t not in texts]
    return texts


def _applicant_name(permit: PermitRequest) -> str:
    if permit.organisation_id:
        return permit.organisation.name
    return permit.applicant.full_name


def permit_pdf(*, permit: PermitRequest, verify_url: str, language: str | None = None) -> bytes:
    """The permit as issued: facts, map extract, conditions, validity, fees, QR code."""
    town = permit.municipality
    with translation.override(language or town.default_language):
        colour = colors.HexColor(town.primary_colour or "#1f4e79")
        styles = _styles(colour)
        title = _("Excavation permit")
        end = permit.valid_until or permit.planned_end
        closure = permit.get_road_closure_display()
        impact = [str(closure)]
        if permit.pavement_closure:
            impact.append(_("pavement closed"))
        if permit.parking_places_removed:
            impact.append(_("%(n)d parking places removed") % {"n": permit.parking_places_removed})
        story: list = [
            _p(f"{title} {permit.reference}", styles["title"]),
            _facts(
                [
                    (_("Reference"), permit.reference),
                    (_("Status"), permit.get_status_display()),
                    (_("Applicant"), _applicant_name(permit)),
                    (_("Kind of work"), permit.get_kind_display()),
                    (_("Description of the works"), permit.description),
                    (_("Impact"), ", ".join(impact)),
                    (_("Valid from"), _day(permit.planned_start)),
                    (_("Valid until"), _day(end)),
                    (
                        _("Granted on"),
                        _day(timezone.localdate(permit.decided_at)) if permit.decided_at else "—",
                    ),
                ],
                styles,
            ),
            _p(_("Map extract"), styles["h2"]),
            MapExtract(
                territory=town.territory,
                areas=[a.geometry for a in permit.areas.all()],
                width=174 * mm,
                height=62 * mm,
                font=fonts()[0],
                colour=colour,
                labels=(_("Overview"), _("Work areas")),
            ),
            _p(_("Conditions"), styles["h2"]),
        ]
        conditions = permit_conditions(permit)
        if conditions:
            story += [_p(f"{i}. {text}", styles["body"]) for i, text in enumerate(conditions, 1)]
        else:
            story.append(_p(_("No particular condition."), styles["body"]))
        story += [
            _p(_("Fees"), styles["h2"]),
            _facts(
                [
                    (_("Base fee"), _chf(permit.fee_base)),
                    (_("Occupation of the public domain"), _chf(permit.fee_occupation)),
                    (_("Total fees"), _chf(permit.fee_total)),
                    (_("Reinstatement deposit"), _chf(permit.deposit)),
                ],
                styles,
            ),
            Spacer(1, 6 * mm),
            KeepTogether(
                Table(
                    [
                        [
                            QrCode(verify_url, 32 * mm),
                            [
                                _p(_("Verify this permit"), styles["label"]),
                                _p(_("Scan the code or open this address:"), styles["body"]),
                                _p(verify_url, styles["small"]),
                            ],
                        ]
                    ],
                    colWidths=[36 * mm, None],
                    style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
                )
            ),
        ]
        buffer = io.BytesIO()
        frame = _page_frame(town, title)
        _document(buffer, f"{title} {permit.reference}").build(
            story, onFirstPage=frame, onLaterPages=frame
        )
        return buffer.getvalue()


def invoice_pdf(*, permit: PermitRequest, language: str | None = None) -> bytes:
    """The invoice of the permit's fees (and the reinstatement deposit, refundable)."""
    town = permit.municipality
    with translation.override(language or town.default_language):
        colour = colors.HexColor(town.primary_colour or "#1f4e79")
        styles = _styles(colour)
        title = _("Invoice")
        issued = (
            timezone.localdate(permit.decided_at) if permit.decided_at else timezone.localdate()
        )
        due = issued + dt.timedelta(days=30)
        zero = Decimal("0")
        total_due = (permit.fee_total or zero) + (permit.deposit or zero)
        lines = [
            [_p(_("Item"), styles["label"]), _p(_("Amount"), styles["label"])],
            [_p(_("Base fee"), styles["body"]), _p(_chf(permit.fee_base), styles["body"])],
            [
                _p(_("Occupation of the public domain"), styles["body"]),
                _p(_chf(permit.fee_occupation), styles["body"]),
            ],
            [_p(_("Total fees"), styles["label"]), _p(_chf(permit.fee_total), styles["label"])],
            [
                _p(
                    _("Reinstatement deposit (refunded after the guarantee period)"), styles["body"]
                ),
                _p(_chf(permit.deposit), styles["body"]),
            ],
            [_p(_("Amount due"), styles["label"]), _p(_chf(total_due), styles["label"])],
        ]
        table = Table(lines, colWidths=[None, 45 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colour),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.3, colors.HexColor("#cccccc")),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, colour),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ]
            )
        )
        story = [
            _p(permit.invoice_address or _applicant_name(permit), styles["body"]),
            Spacer(1, 10 * mm),
            _p(f"{title} {permit.reference}", styles["title"]),
            _facts(
                [
                    (_("Excavation permit"), permit.reference),
                    (_("Invoice date"), _day(issued)),
                    (_("Payable by"), _day(due)),
                    (_("Kind of work"), permit.get_kind_display()),
                    (_("Works"), f"{_day(permit.planned_start)} – {_day(permit.planned_end)}"),
                ],
                styles,
            ),
            Spacer(1, 6 * mm),
            table,
            Spacer(1, 6 * mm),
            _p(
                _("Please pay within 30 days, quoting the reference %(ref)s.")
                % {"ref": permit.reference},
                styles["body"],
            ),
        ]
        buffer = io.BytesIO()
        frame = _page_frame(town, title)
        _document(buffer, f"{title} {permit.reference}").build(
            story, onFirstPage=frame, onLaterPages=frame
        )
        return buffer.getvalue()
