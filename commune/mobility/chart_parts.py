"""The parts every observatory chart shares (charts.py): the <svg> element with its accessible
name, numbers and dates as the town writes them, round ticks, axis titles and the legend."""

from __future__ import annotations

import datetime as dt
import math

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1f2933"  # text: 14.7:1 on white
GRID = "#7b8794"  # lines that carry meaning (axes, the intervention): 3.6:1 on white
HIDDEN = "#d9dde3"  # gridlines and cells without data
BAR = "#1d4f91"
#: About the width of a character of the charts' 12 px sans-serif, to lay out legends.
CHAR_WIDTH = 6.5


def svg(width: int, height: float, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every interpolated text is escaped by the callers
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return _written(f"{value:,.{decimals}f}")


def _written(text: str) -> str:
    """A number formatted by Python (1,234.5) as the reader's language writes it, as the tables
    and the evaluation's sentences beside the chart do: 1 234,5 in French, German and Italian
    (narrow space, commune/formats), 1,234.5 in English."""
    marks = {
        ",": formats.get_format("THOUSAND_SEPARATOR"),
        ".": formats.get_format("DECIMAL_SEPARATOR"),
    }
    return text.translate(str.maketrans(marks))


def signed(value: float) -> str:
    text = f"{value:+.1f}".rstrip("0").rstrip(".") if value else "0"
    return _written(text).replace("-", "\u2212")


def tick_labels(marks: list[float], *, sign: bool = False) -> list[str]:
    """Tick values written with the decimals their step needs (0.0, 0.5, 1.0, 1.5, never 0, 0, 1,
    2, 2), with a sign for differences."""
    step = abs(marks[1] - marks[0]) if len(marks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if not sign:
        return [number(round(t, decimals), decimals) for t in marks]
    texts = []
    for t in marks:
        t = round(t, decimals)
        texts.append(_written(f"{t:+.{decimals}f}").replace("-", "\u2212") if t else "0")
    return texts


def day_label(day: dt.date | str) -> str:
    """A day as the town writes it on an axis: d.m. (05.01.)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return day.strftime("%d.%m.")


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    span = (high - low) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    marks = [first]
    while marks[-1] < high:
        marks.append(first + len(marks) * step)
    return marks if len(marks) > 1 else [first, first + step]


def axis_titles(
    x_title: str,
    y_title: str,
    *,
    left: float,
    width: float,
    height: float,
    top: float = 26,
    centre: float | None = None,
) -> str:
    """The value axis' title (with its unit) above the plot, from the left edge, and the other
    axis' title centred under it."""
    middle = (left + width) / 2 if centre is None else centre + (width - centre) / 2
    return (
        f'<text x="4" y="{top - 12}" font-weight="bold" fill="{INK}">{escape(y_title)}</text>'
        f'<text x="{middle:.1f}" y="{height - 6}" text-anchor="middle" fill="{INK}">'
        f"{escape(x_title)}</text>"
    )


def _symbol(kind: str, at: float, y: float) -> str:
    mid = y + 8
    if kind == "circle":
        return (
            f'<circle cx="{at + 6:.1f}" cy="{mid}" r="5" fill="#ffffff" stroke="{BAR}" '
            'stroke-width="2"/>'
        )
    if kind == "square":
        return f'<rect x="{at + 1:.1f}" y="{mid - 5}" width="10" height="10" fill="{BAR}"/>'
    if kind == "vline":
        return (
            f'<line x1="{at + 6:.1f}" y1="{mid - 6}" x2="{at + 6:.1f}" y2="{mid + 6}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
        )
    if kind == "hline":
        return (
            f'<line x1="{at:.1f}" y1="{mid}" x2="{at + 12:.1f}" y2="{mid}" stroke="{INK}" '
            'stroke-width="2"/>'
        )
    if kind == "dashed":
        return (
            f'<line x1="{at:.1f}" y1="{mid}" x2="{at + 12:.1f}" y2="{mid}" stroke="{INK}" '
            'stroke-dasharray="4 3"/>'
        )
    if kind == "cut":
        return (
            f'<line x1="{at + 6:.1f}" y1="{mid - 7}" x2="{at + 6:.1f}" y2="{mid + 7}" '
            f'stroke="{GRID}" stroke-width="3"/>'
        )
    return (
        f'<rect x="{at:.1f}" y="{mid - 6}" width="12" height="12" fill="{HIDDEN}" '
        f'stroke="{GRID}" stroke-width="0.5"/>'
    )


def legend(
    entries: list[tuple[str, str]], *, x: float, y: float, width: float
) -> tuple[list[str], float]:
    """The legend's entries (kind of mark, label) in rows from (x, y), each as wide as its
    text, a new row when the next would pass `width`; returns the marks and the height used.
    Kinds: circle, square, vline, hline, dashed, cut (the intervention's line), swatch (a cell
    without data)."""
    body, pen, row = [], x, 0
    for kind, label in entries:
        size = 16 + CHAR_WIDTH * len(label)
        if pen > x and pen + size > width - 4:
            pen, row = x, row + 1
        top = y + row * 20
        body.append(_symbol(kind, pen, top))
        body.append(f'<text x="{pen + 16:.1f}" y="{top + 12}" fill="{INK}">{escape(label)}</text>')
        pen += size + 18
    return body, (row + 1) * 20
