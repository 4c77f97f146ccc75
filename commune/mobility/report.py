"""The evaluation report to download: a standalone HTML page and a PDF (reportlab, DejaVu fonts,
the chart drawn as vector graphics). Both show the pooled effect with its 95 % interval, every
per-site effect beside it, the chart, the method and the plain-language French summary."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import charts
from .models import Evaluation

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def effect_rows(evaluation: Evaluation) -> list[dict]:
    """The pooled effect first, then each treated site: label, effect, low, high, p, summary."""
    result = evaluation.result or {}
    if not result:
        return []
    rows = [{"label": _("All treated sites (pooled)"), "pooled": True, **result["pooled"]}]
    for site, res in result.get("per_site", {}).items():
        rows.append({"label": site, "pooled": False, **res})
    return rows


def forest_svg(evaluation: Evaluation):
    rows = effect_rows(evaluation)
    return charts.forest(
        # xgettext:no-python-format
        _("Effect with its 95 % interval, pooled and per site"),
        [(r["label"], r["effect_pct"], r["low_pct"], r["high_pct"]) for r in rows],
    )


def report_html(evaluation: Evaluation, *, town) -> str:
    return render_to_string(
        "mobility/observatory/evaluation_report.html",
        {
            "evaluation": evaluation,
            "town": town,
            "rows": effect_rows(evaluation),
            "chart": forest_svg(evaluation),
            "result": evaluation.result,
        },
    )


def _fonts() -> tuple[str, str]:
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


def forest_drawing(rows: list[dict], *, width: float = 480):
    """The forest plot as a reportlab Drawing (vector): squares at the effect, interval bars."""
    regular, _bold = _fonts()
    row_h, left, right = 22, 150, 60
    height = 30 + row_h * len(rows)
    lo = min([r["low_pct"] for r in rows] + [0.0]) - 2
    hi = max([r["high_pct"] for r in rows] + [0.0]) + 2
    scale = (width - left - right) / ((hi - lo) or 1)

    def x(v):
        return left + (v - lo) * scale

    d = Drawing(width, height)
    d.add(Line(x(0), 18, x(0), height - 4, strokeColor=colors.grey, strokeDashArray=[3, 2]))
    d.add(String(x(0), 4, "0 %", fontName=regular, fontSize=8, textAnchor="middle"))
    for i, r in enumerate(rows):
        y = height - 14 - i * row_h
        d.add(String(left - 6, y - 3, r["label"], fontName=regular, fontSize=9, textAnchor="end"))
        d.add(Line(x(r["low_pct"]), y, x(r["high_pct"]), y, strokeWidth=1.5))
        d.add(Rect(x(r["effect_pct"]) - 4, y - 4, 8, 8, fillColor=colors.HexColor("#1d4f91")))
        d.add(
            String(
                width - right + 6, y - 3, f"{r['effect_pct']:+.1f} %", fontName=regular, fontSize=9
            )
        )
    return d


def _pct(v: float) -> str:
    return f"{v:+.1f} %".replace("-", "−")


def report_pdf(evaluation: Evaluation, *, town) -> bytes:
    """The report as PDF bytes (A4)."""
    regular, bold = _fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = (
            bold if style.name.startswith("Heading") or style.name == "Title" else regular
        )
    result = evaluation.result
    rows = effect_rows(evaluation)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=evaluation.title,
        author=town.name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        lang="fr-CH",
    )
    story = [
        Paragraph(escape(evaluation.title), styles["Title"]),
        Paragraph(escape(f"{town.name} — {_('Intervention evaluation')}"), styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(result["summary_fr"]), styles["Heading3"]),
        Spacer(1, 3 * mm),
        forest_drawing(rows),
        Spacer(1, 4 * mm),
    ]
    table = [
        [
            _("Sites"),
            _("Effect"),
            # xgettext:no-python-format
            _("95 % interval"),
            _("p-value"),
            _("Days before / after"),
        ]
    ]
    for r in rows:
        table.append(
            [
                r["label"],
                _pct(r["effect_pct"]),
                f"{_pct(r['low_pct'])} … {_pct(r['high_pct'])}",
                f"{r['p_value']:.3f}",
                f"{r['days_before']} / {r['days_after']}",
            ]
        )
    t = Table(table, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, "#1f2933"),
                ("LINEBELOW", (0, 1), (-1, 1), 0.4, "#9aa5b1"),
            ]
        )
    )
    story += [t, Spacer(1, 4 * mm)]
    for r in rows[1:]:
        story.append(Paragraph(escape(r["summary_fr"]), styles["Normal"]))
    facts = [
        (_("Treated sites"), ", ".join(result["treated"])),
        (_("Control sites"), ", ".join(result["control"])),
        (_("Before"), " – ".join(result["before"])),
        (_("After"), " – ".join(result["after"])),
        (_("Public holidays left out"), ", ".join(result["holidays_excluded"]) or "—"),
        (_("Method"), result["method"]),
    ]
    story.append(Spacer(1, 4 * mm))
    for label, value in facts:
        story.append(Paragraph(f"<b>{escape(label)}</b> : {escape(value)}", styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()
