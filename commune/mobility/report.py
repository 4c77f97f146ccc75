"""The evaluation report to download: a standalone HTML page and a PDF (reportlab, DejaVu fonts,
the chart drawn as vector graphics). Both show the pooled effect with its 95 % interval, every
per-site effect beside it (in per cent and per day), the forest and event-study charts, the
diagnostics' warnings, the method and the plain-language summary in the town's language."""

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

from . import charts, evaluation_texts
from .models import Evaluation

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def effect_rows(evaluation: Evaluation) -> list[dict]:
    """The pooled effect first, then each treated site: label, effect, interval, p, per day."""
    result = evaluation.result or {}
    if not result:
        return []
    return evaluation_texts.effect_rows(result)


def forest_svg(evaluation: Evaluation):
    rows = effect_rows(evaluation)
    return charts.forest(
        # xgettext:no-python-format
        _("Effect with its 95 % interval, pooled and per site"),
        [(r["label"], r["effect_pct"], r["low_pct"], r["high_pct"]) for r in rows],
        # xgettext:no-python-format
        x_title=_("Change at the treated sites compared with the control sites (%)"),
        y_title=_("Sites"),
        effect=_("Effect"),
        # xgettext:no-python-format
        interval=_("95 % interval"),
        zero=_("0: no change"),
    )


def event_study_svg(evaluation: Evaluation):
    """The weekly treated-minus-control chart (None for results without it)."""
    result = evaluation.result or {}
    weeks = result.get("event_study")
    if not weeks:
        return None
    unit = evaluation_texts.unit(result.get("mode", ""))
    return charts.event_study(
        _("Week by week: treated minus control sites, before and after the intervention"),
        weeks,
        x_title=_("Weeks from the intervention (week 0 starts on its day)"),
        y_title=_("Treated minus control sites, in %% of the %(unit)s") % {"unit": unit},
        before=_("Before (week mean)"),
        after=_("After (week mean)"),
        # xgettext:no-python-format
        interval=_("95 % interval"),
        intervention=_("Intervention"),
        week_label=_("Week %(week)s"),
        zero=_("0: no difference from the control sites"),
    )


def report_html(evaluation: Evaluation, *, town) -> str:
    return render_to_string(
        "mobility/observatory/evaluation_report.html",
        {
            "evaluation": evaluation,
            "town": town,
            "rows": effect_rows(evaluation),
            "chart": forest_svg(evaluation),
            "event_chart": event_study_svg(evaluation),
            "words": evaluation_texts.evaluation_words(evaluation.result, town=town),
            "result": evaluation.result,
        },
    )


def _fonts() -> tuple[str, str]:
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


def forest_drawing(rows: list[dict], *, width: float = 480):
    """The forest plot as a reportlab Drawing (vector): squares at the effect, interval bars,
    the axis' title with its unit under it and a legend of the three marks above."""
    regular, _bold = _fonts()
    row_h, right, foot, head = 22, 60, 16, 16
    widest = max(pdfmetrics.stringWidth(r["label"], regular, 9) for r in rows)
    left = min(width / 2, max(150.0, widest + 12))
    height = 30 + row_h * len(rows) + foot + head
    lo = min([r["low_pct"] for r in rows] + [0.0]) - 2
    hi = max([r["high_pct"] for r in rows] + [0.0]) + 2
    scale = (width - left - right) / ((hi - lo) or 1)

    def x(v):
        return left + (v - lo) * scale

    d = Drawing(width, height)
    top = height - head
    d.add(Line(x(0), foot + 18, x(0), top - 4, strokeColor=colors.grey, strokeDashArray=[3, 2]))
    d.add(String(x(0), foot + 4, "0 %", fontName=regular, fontSize=8, textAnchor="middle"))
    d.add(
        String(
            left + (width - left - right) / 2,
            2,
            # xgettext:no-python-format
            _("Change at the treated sites compared with the control sites (%)"),
            fontName=regular,
            fontSize=8,
            textAnchor="middle",
        )
    )
    for i, r in enumerate(rows):
        y = top - 14 - i * row_h
        d.add(String(left - 6, y - 3, r["label"], fontName=regular, fontSize=9, textAnchor="end"))
        d.add(Line(x(r["low_pct"]), y, x(r["high_pct"]), y, strokeWidth=1.5))
        d.add(Rect(x(r["effect_pct"]) - 4, y - 4, 8, 8, fillColor=colors.HexColor("#1d4f91")))
        d.add(
            String(
                width - right + 6, y - 3, f"{r['effect_pct']:+.1f} %", fontName=regular, fontSize=9
            )
        )
    _forest_legend(d, regular, y=height - 10)
    return d


def _forest_legend(d: Drawing, font: str, *, y: float) -> None:
    """The PDF forest's legend in one row: the effect's square, its interval, zero."""
    pen = 0.0
    entries = (
        ("square", _("Effect")),
        # xgettext:no-python-format
        ("line", _("95 % interval")),
        ("zero", _("0: no change")),
    )
    for kind, label in entries:
        if kind == "square":
            d.add(Rect(pen, y - 3, 7, 7, fillColor=colors.HexColor("#1d4f91")))
        else:
            dashes = [3, 2] if kind == "zero" else None
            d.add(Line(pen, y + 1, pen + 10, y + 1, strokeWidth=1.5, strokeDashArray=dashes))
        d.add(String(pen + 14, y - 2, label, fontName=font, fontSize=8))
        pen += 14 + pdfmetrics.stringWidth(label, font, 8) + 14


def _table(header: list[str], body: list[list[str]], regular: str, bold: str) -> Table:
    t = Table([header, *body], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, "#1f2933"),
            ]
        )
    )
    return t


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
    words = evaluation_texts.evaluation_words(result, town=town)
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
        lang=f"{words['summary_language']}-CH",
    )
    story = [
        Paragraph(escape(evaluation.title), styles["Title"]),
        Paragraph(escape(f"{town.name} — {_('Intervention evaluation')}"), styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(words["summary"]), styles["Heading3"]),
        Spacer(1, 3 * mm),
        forest_drawing(rows),
        Spacer(1, 4 * mm),
    ]
    for warning in words["warnings"]:
        story.append(Paragraph(f"⚠ {escape(warning)}", styles["Normal"]))
    if words["warnings"]:
        story.append(Spacer(1, 3 * mm))
    table = [
        [
            _("Sites"),
            _("Effect"),
            # xgettext:no-python-format
            _("95 % interval"),
            _("p-value"),
            words["unit"],
            _("Days before / after"),
        ]
    ]
    for r in rows:
        table.append(
            [
                r["label"],
                r["effect"],
                r["interval"],
                r["p_value"],
                r["per_day"],
                r["days"],
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
        if r["verdict"]:
            story.append(Paragraph(escape(f"{r['label']} : {r['verdict']}"), styles["Normal"]))
    if words["weeks"]:
        story += [
            Spacer(1, 4 * mm),
            Paragraph(escape(_("Week by week")), styles["Heading3"]),
            _table(
                # xgettext:no-python-format
                [
                    _("Week"),
                    _("Dates"),
                    _("Days compared"),
                    _("Treated minus control"),
                    _("95 % interval"),
                ],
                [
                    [
                        str(w["week"]),
                        f"{w['start']:%d.%m.%Y} – {w['end']:%d.%m.%Y}",
                        str(w["days"]),
                        w["effect"],
                        w["interval"],
                    ]
                    for w in words["weeks"]
                ],
                regular,
                bold,
            ),
        ]
    if words["placebos"]:
        story += [
            Spacer(1, 4 * mm),
            Paragraph(escape(_("Fake intervention dates")), styles["Heading3"]),
            _table(
                # xgettext:no-python-format
                [_("Fake date"), _("Effect"), _("95 % interval"), _("p-value")],
                [
                    [f"{p['date']:%d.%m.%Y}", p["effect"], p["interval"], p["p_value"]]
                    for p in words["placebos"]
                ],
                regular,
                bold,
            ),
        ]
    facts = [
        (_("Mode"), words["mode"]),
        (_("Treated sites"), ", ".join(result["treated"])),
        (_("Control sites"), ", ".join(result["control"])),
        (_("Before"), " – ".join(result["before"])),
        (_("After"), " – ".join(result["after"])),
        (_("Public holidays left out"), ", ".join(result["holidays_excluded"]) or "—"),
        (_("Method"), words["method"]),
    ]
    story.append(Spacer(1, 4 * mm))
    for label, value in facts:
        story.append(Paragraph(f"<b>{escape(label)}</b> : {escape(value)}", styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()
