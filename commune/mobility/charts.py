"""Small server-drawn SVG charts for the observatory: they render without JavaScript, carry an
accessible name, and each sits beside a table with the same figures (the text alternative).

Every chart has its axes' titles (the value axis with its unit, written above the plot so it is
never cut) and a legend when it has more than one kind of mark or a colour scale. Every function
returns safe markup; labels are escaped. Meaning never rests on colour alone: values are written
as text or in each shape's <title>, and the legend names each shape.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .chart_parts import (
    BAR,
    CHAR_WIDTH,
    GRID,
    HIDDEN,
    INK,
    axis_titles,
    day_label,
    legend,
    number,
    signed,
    svg,
    tick_labels,
    ticks,
)


def sparkline(
    title: str, points: Sequence[tuple[dt.date | str, float | None]], *, x_title: str, y_title: str
) -> SafeString:
    """A line of values over time (e.g. daily volume of one site): value ticks with gridlines,
    dates as d.m. under the line, both axes titled (``y_title`` says the unit)."""
    width, left, right, top, bottom = 640, 64, 12, 26, 44
    values = [v for _, v in points if v is not None]
    if not values:
        return svg(width, 40, title, [f'<text x="4" y="24" fill="{INK}">—</text>'])
    marks = ticks(min(0.0, min(values)), max(values), count=4)
    low, high = marks[0], marks[-1]
    height = 190
    plot_w, plot_h = width - left - right, height - top - bottom
    # each point at its day: a day without data is a gap in the line, never a shorter axis
    offsets = [(_as_date(day) - _as_date(points[0][0])).days for day, _v in points]
    step = plot_w / max(1, offsets[-1])

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / ((high - low) or 1.0))

    body = []
    for t, text in zip(marks, tick_labels(marks), strict=True):
        body.append(
            f'<line x1="{left}" y1="{y(t):.1f}" x2="{width - right}" y2="{y(t):.1f}" '
            f'stroke="{HIDDEN if t else GRID}"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{text}</text>"
        )
    path, previous = [], None
    for offset, (_day, value) in zip(offsets, points, strict=True):
        if value is None:
            previous = None
            continue
        pen = "L" if previous is not None and offset - previous == 1 else "M"
        # a day alone between gaps still shows, as a dot (h0 with round caps)
        path.append(
            f"{pen}{left + offset * step:.1f},{y(value):.1f}" + (" h0" if pen == "M" else "")
        )
        previous = offset
    body.append(
        f'<path d="{" ".join(path)}" fill="none" stroke="{BAR}" stroke-width="1.5" '
        'stroke-linecap="round"/>'
    )
    every = max(1, math.ceil((offsets[-1] + 1) / 8))
    first_day = _as_date(points[0][0])
    for offset in range(0, offsets[-1] + 1, every):
        x = left + offset * step
        body.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="{INK}"/><text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(day_label(first_day + dt.timedelta(days=offset)))}</text>'
        )
    body.append(axis_titles(x_title, y_title, left=left, width=width, height=height))
    return svg(width, height, title, body)


def _as_date(day: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(day[:10]) if isinstance(day, str) else day


def heatmap(
    title: str,
    grid: dict[tuple[int, int], float | None],
    days: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    unit: str,
) -> SafeString:
    """Rows (weekdays, or any labels in `days`) x hour (columns); darker = more, from the
    lowest to the highest value, the scale drawn under the grid with both values and the unit.
    Each cell's value is in its <title>."""
    cell, top = 24, 26
    left = max(48, 12 + 7 * max((len(d) for d in days), default=3))
    width = max(left + 24 * cell + 8, 520)
    values = [v for v in grid.values() if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    bottom_of_grid = top + len(days) * cell
    body = [
        f'<text x="{left + h * cell + cell / 2}" y="{bottom_of_grid + 14}" text-anchor="middle" '
        f'fill="{INK}">{h}</text>'
        for h in range(0, 24, 3)
    ]
    for d in range(len(days)):
        y = top + d * cell
        body.append(
            f'<text x="{left - 4}" y="{y + 16}" text-anchor="end" fill="{INK}">'
            f"{escape(days[d])}</text>"
        )
        for h in range(24):
            value = grid.get((d + 1, h))
            fill = HIDDEN if value is None else _shade(value, low, high)
            label = "—" if value is None else number(value, _tenths(value))
            body.append(
                f'<rect x="{left + h * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{fill}"><title>{escape(days[d])} {h}h: {label}</title></rect>'
            )
    height = bottom_of_grid + 34
    scale, scale_height = _scale(low, high, unit, x=left, y=height, width=width)
    body += scale
    height += scale_height
    body.append(
        axis_titles(
            x_title, y_title, left=left, width=width, height=bottom_of_grid + 34, centre=left
        )
    )
    return svg(width, height, title, body)


def _tenths(value: float) -> int:
    """Decimals of a mean in a heatmap: to the tenth below 10 (0.3 vehicles an hour is not 0),
    whole numbers above."""
    return 1 if abs(value) < 10 else 0


def _shade(value: float, low: float, high: float) -> str:
    share = (value - low) / (high - low) if high > low else 1.0
    return f"rgba(29,79,145,{0.08 + 0.92 * share:.2f})"


def _scale(low: float, high: float, unit: str, *, x: float, y: float, width: float):
    """The colour scale: its title with the unit, then ten steps from the lowest value (left)
    to the highest (right), both written, and the grey of a cell without data; returns the
    marks and the height used."""
    steps, size = 10, 18
    title = _("Colour scale (%(unit)s):") % {"unit": unit}
    body = [f'<text x="{x:.1f}" y="{y + 12}" fill="{INK}">{escape(title)}</text>']
    y += 20
    pen = x
    low_text, high_text = number(low, _tenths(low)), number(high, _tenths(high))
    body.append(f'<text x="{pen:.1f}" y="{y + 12}" fill="{INK}">{low_text}</text>')
    pen += CHAR_WIDTH * len(low_text) + 6
    for i in range(steps):
        value = low + (high - low) * i / (steps - 1)
        body.append(
            f'<rect x="{pen + i * size:.1f}" y="{y}" width="{size}" height="16" '
            f'fill="{_shade(value, low, high)}" stroke="{GRID}" stroke-width="0.5"/>'
        )
    pen += steps * size + 6
    body.append(f'<text x="{pen:.1f}" y="{y + 12}" fill="{INK}">{high_text}</text>')
    pen += CHAR_WIDTH * len(high_text) + 24
    keys, used = legend([("swatch", _("no data"))], x=pen, y=y, width=width + width)
    return body + keys, 20 + used + 4


def bars(
    title: str,
    items: Sequence[tuple[str, float | None, str]],
    *,
    x_title: str,
    y_title: str,
) -> SafeString:
    """Horizontal bars: (label, value, text written at the end of the bar); the categories'
    title above the labels, the values' title (with the unit) under the bars."""
    row, width, top = 26, 640, 24
    left = _label_room([label for label, _v, _t in items])
    values = [v for _, v, _ in items if v is not None]
    high = max(values) if values else 1.0
    body = [f'<text x="4" y="14" font-weight="bold" fill="{INK}">{escape(y_title)}</text>']
    for i, (label, value, text) in enumerate(items):
        y = top + i * row
        body.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
        )
        length = 0 if value is None or not high else (width - left - 110) * value / high
        fill = HIDDEN if value is None else BAR
        body.append(
            f'<rect x="{left}" y="{y}" width="{max(length, 2):.1f}" height="{row - 8}" '
            f'fill="{fill}"/>'
        )
        body.append(
            f'<text x="{left + max(length, 2) + 6:.1f}" y="{y + 15}" fill="{INK}">'
            f"{escape(text)}</text>"
        )
    height = top + len(items) * row + 22
    body.append(
        f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 24}" stroke="{GRID}"/>'
        f'<text x="{left}" y="{height - 6}" fill="{INK}">{escape(x_title)}</text>'
    )
    return svg(width, height, title, body)


def _label_room(labels: list[str]) -> float:
    """The room left of a plot for its row labels (right-aligned), within reason."""
    return min(300.0, max(120.0, 16 + CHAR_WIDTH * max(len(label) for label in labels)))


def forest(
    title: str,
    rows: Sequence[tuple[str, float, float, float]],
    *,
    x_title: str,
    y_title: str,
    effect: str,
    interval: str,
    zero: str,
) -> SafeString:
    """Effects in % with their 95 % interval (label, effect, low, high), zero marked; a legend
    names the square (the effect), the line (its interval) and the dashed line (no change)."""
    row, right, width = 30, 80, 640
    left = _label_room([r[0] for r in rows])
    keys, legend_height = legend(
        [("square", effect), ("hline", interval), ("dashed", zero)], x=8, y=4, width=width
    )
    top = legend_height + 30
    marks = ticks(min([r[2] for r in rows] + [0.0]), max([r[3] for r in rows] + [0.0]))
    lo, hi = marks[0], marks[-1]
    scale = (width - left - right) / ((hi - lo) or 1)
    plot_bottom = top + len(rows) * row
    height = plot_bottom + 40

    def x(v):
        return left + (v - lo) * scale

    body = [
        *keys,
        f'<text x="4" y="{top - 8}" font-weight="bold" fill="{INK}">{escape(y_title)}</text>',
    ]
    for t, text in zip(marks, tick_labels(marks, sign=True), strict=True):
        body.append(
            f'<line x1="{x(t):.1f}" y1="{top - 4}" x2="{x(t):.1f}" y2="{plot_bottom}" '
            f'stroke="{HIDDEN}"/><text x="{x(t):.1f}" y="{plot_bottom + 14}" '
            f'text-anchor="middle" fill="{INK}">{escape(text)}</text>'
        )
    body.append(
        f'<line x1="{x(0):.1f}" y1="{top - 4}" x2="{x(0):.1f}" y2="{plot_bottom}" '
        f'stroke="{INK}" stroke-dasharray="4 3"/>'
    )
    for i, (label, value, low, high) in enumerate(rows):
        y = top + 10 + i * row
        body.append(
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="{INK}" '
            'stroke-width="2"/>'
            f'<rect x="{x(value) - 5:.1f}" y="{y - 5}" width="10" height="10" fill="{BAR}"/>'
            f'<text x="{width - right + 8}" y="{y + 4}" fill="{INK}">{value:+.1f} %</text>'
        )
    body.append(
        f'<text x="{left + (width - left - right) / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle" fill="{INK}">{escape(x_title)}</text>'
    )
    return svg(width, height, title, body)


def event_study(
    title: str,
    weeks: Sequence[dict],
    *,
    x_title: str,
    y_title: str,
    before: str,
    after: str,
    interval: str,
    intervention: str,
    week_label: str,
    zero: str = "",
) -> SafeString:
    """Weekly treated-minus-control differences (week, effect_pct, low_pct, high_pct, and the
    week's first day `start` when known; week 0 starts on the intervention day) with their
    intervals: hollow circles before, filled squares after (shape, not only colour), zero and
    the intervention marked, axis titles with units, each week's first day as d.m. under its
    number, and a legend of every mark. ``week_label`` is a %(week)s pattern for each point's
    <title>."""
    width, height = 640, 340
    points = [w for w in weeks if w.get("effect_pct") is not None]
    if not points:
        return svg(width, 40, title, [f'<text x="4" y="24" fill="{INK}">—</text>'])
    entries = [("circle", before), ("square", after), ("vline", interval)]
    entries += [("dashed", zero)] if zero else []
    entries.append(("cut", intervention))
    keys, legend_height = legend(entries, x=8, y=4, width=width)
    left, right, top, bottom = 70, 16, legend_height + 30, 62
    height += legend_height - 20
    values = [0.0]
    for w in points:
        ends = [w[k] for k in ("low_pct", "high_pct") if w.get(k) is not None]
        values += [w["effect_pct"], *ends]
    marks = ticks(min(values), max(values))
    lo, hi = marks[0], marks[-1]
    first, last = min(w["week"] for w in points), max(w["week"] for w in points)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(week: float) -> float:
        return left + (week - first + 0.5) / (last - first + 1) * plot_w

    def y(value: float) -> float:
        return top + (hi - value) / ((hi - lo) or 1) * plot_h

    body = list(keys)
    for t, text in zip(marks, tick_labels(marks, sign=True), strict=True):
        body.append(
            f'<line x1="{left}" y1="{y(t):.1f}" x2="{width - right}" y2="{y(t):.1f}" '
            f'stroke="{HIDDEN}"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(text)}</text>"
        )
    body.append(
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" '
        f'stroke="{INK}" stroke-dasharray="4 3"/>'
    )
    cut = x(-0.5)
    body.append(
        f'<line x1="{cut:.1f}" y1="{top}" x2="{cut:.1f}" y2="{top + plot_h}" stroke="{GRID}" '
        f'stroke-width="3"/>'
    )
    body += _week_ticks(weeks, first, last, x, top + plot_h)
    for w in points:
        body += _week_mark(w, x(w["week"]), y, week_label)
    body.append(axis_titles(x_title, y_title, left=left, width=width, height=height, top=top))
    return svg(width, height, title, body)


def _week_ticks(weeks: Sequence[dict], first: int, last: int, x, base: float) -> list[str]:
    """Week numbers, with each labelled week's first day as d.m. under it when known."""
    starts = {w["week"]: w.get("start") for w in weeks}
    step = max(1, math.ceil((last - first + 1) / 10))
    out = []
    for week in range(first, last + 1):
        if (week - first) % step and week != 0:
            continue
        out.append(
            f'<text x="{x(week):.1f}" y="{base + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(signed(week))}</text>"
        )
        if starts.get(week):
            out.append(
                f'<text x="{x(week):.1f}" y="{base + 30}" text-anchor="middle" fill="{INK}">'
                f"{escape(day_label(starts[week]))}</text>"
            )
    return out


def _week_mark(w: dict, cx: float, y, week_label: str) -> list[str]:
    """One week's point (circle before, square after) and its interval bar, with its <title>."""
    cy = y(w["effect_pct"])
    text = f"{week_label % {'week': w['week']}}: {signed(w['effect_pct'])} %"
    out = []
    if w.get("low_pct") is not None:
        text += f" ({signed(w['low_pct'])} … {signed(w['high_pct'])} %)"
        out.append(
            f'<line x1="{cx:.1f}" y1="{y(w["low_pct"]):.1f}" x2="{cx:.1f}" '
            f'y2="{y(w["high_pct"]):.1f}" stroke="{INK}" stroke-width="1.5"/>'
        )
    if w["week"] < 0:
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="#ffffff" stroke="{BAR}" '
            f'stroke-width="2"><title>{escape(text)}</title></circle>'
        )
    else:
        out.append(
            f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{BAR}">'
            f"<title>{escape(text)}</title></rect>"
        )
    return out
