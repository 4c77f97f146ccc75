"""Small server-drawn SVG charts for the observatory: they render without JavaScript, carry an
accessible name, and each sits beside a table with the same figures (the text alternative).

Every function returns safe markup; labels are escaped. Meaning never rests on colour alone:
values are written as text or in each shape's <title>.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1f2933"
GRID = "#9aa5b1"
BAR = "#1d4f91"
HIDDEN = "#d9dde3"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every interpolated text is escaped above
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}".replace(",", "\u202f")


def sparkline(title: str, points: Sequence[tuple[str, float | None]]) -> SafeString:
    """A line of values over time (e.g. daily volume of one site), with its min and max."""
    width, height, pad = 640, 120, 44
    values = [v for _, v in points if v is not None]
    if not values:
        return _svg(width, 40, title, [f'<text x="4" y="24" fill="{INK}">—</text>'])
    top, low = max(values), min(0.0, min(values))
    span = (top - low) or 1.0
    step = (width - pad - 8) / max(1, len(points) - 1)
    body = [
        f'<line x1="{pad}" y1="{height - 20}" x2="{width - 8}" y2="{height - 20}" '
        f'stroke="{GRID}"/>',
        f'<text x="{pad - 4}" y="14" text-anchor="end" fill="{INK}">{_number(top)}</text>',
        f'<text x="{pad - 4}" y="{height - 20}" text-anchor="end" fill="{INK}">'
        f"{_number(low)}</text>",
    ]
    path, pen_up = [], True
    for i, (_, value) in enumerate(points):
        if value is None:
            pen_up = True
            continue
        x = pad + i * step
        y = 10 + (height - 30) * (1 - (value - low) / span)
        path.append(f"{'M' if pen_up else 'L'}{x:.1f},{y:.1f}")
        pen_up = False
    body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{BAR}" stroke-width="1.5"/>')
    first, last = escape(points[0][0]), escape(points[-1][0])
    body.append(f'<text x="{pad}" y="{height - 4}" fill="{INK}">{first}</text>')
    body.append(
        f'<text x="{width - 8}" y="{height - 4}" text-anchor="end" fill="{INK}">{last}</text>'
    )
    return _svg(width, height, title, body)


def heatmap(title: str, grid: dict[tuple[int, int], float | None], days: Sequence[str]):
    """Rows (weekdays, or any labels in `days`) x hour (columns); darker = more. Each cell's
    value is in its <title>."""
    cell, top = 24, 20
    left = max(40, 8 + 7 * max((len(d) for d in days), default=3))
    width, height = left + 24 * cell + 4, top + len(days) * cell + 4
    values = [v for v in grid.values() if v is not None]
    high = max(values) if values else 1.0
    body = [
        f'<text x="{left + h * cell + cell / 2}" y="14" text-anchor="middle" '
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
            if value is None:
                fill, label = HIDDEN, "—"
            else:
                shade = 0.08 + 0.92 * (value / high if high else 0)
                fill, label = f"rgba(29,79,145,{shade:.2f})", _number(value)
            body.append(
                f'<rect x="{left + h * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{fill}"><title>{escape(days[d])} {h}h: {label}</title></rect>'
            )
    return _svg(width, height, title, body)


def bars(title: str, items: Sequence[tuple[str, float | None, str]]) -> SafeString:
    """Horizontal bars: (label, value, text written at the end of the bar)."""
    row, left, width = 26, 190, 640
    values = [v for _, v, _ in items if v is not None]
    high = max(values) if values else 1.0
    body = []
    for i, (label, value, text) in enumerate(items):
        y = 6 + i * row
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
    return _svg(width, 12 + len(items) * row, title, body)


def forest(title: str, rows: Sequence[tuple[str, float, float, float]]) -> SafeString:
    """Effects in % with their 95 % interval (label, effect, low, high), zero marked."""
    row, left, right, width = 30, 170, 80, 640
    lows = [r[2] for r in rows] + [0.0]
    highs = [r[3] for r in rows] + [0.0]
    lo, hi = min(lows) - 2, max(highs) + 2
    scale = (width - left - right) / ((hi - lo) or 1)
    height = 30 + len(rows) * row

    def x(v):
        return left + (v - lo) * scale

    body = [
        f'<line x1="{x(0):.1f}" y1="4" x2="{x(0):.1f}" y2="{height - 20}" stroke="{GRID}" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{x(0):.1f}" y="{height - 4}" text-anchor="middle" fill="{INK}">0 %</text>',
    ]
    for i, (label, effect, low, high) in enumerate(rows):
        y = 14 + i * row
        body.append(
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
        )
        body.append(
            f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="{INK}" '
            'stroke-width="2"/>'
        )
        body.append(
            f'<rect x="{x(effect) - 5:.1f}" y="{y - 5}" width="10" height="10" fill="{BAR}"/>'
        )
        body.append(
            f'<text x="{width - right + 8}" y="{y + 4}" fill="{INK}">{effect:+.1f} %</text>'
        )
    return _svg(width, height, title, body)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    span = (high - low) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 2)]


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
) -> SafeString:
    """Weekly treated-minus-control differences (week, effect_pct, low_pct, high_pct; week 0
    starts on the intervention day) with their intervals: hollow circles before, filled squares
    after (shape, not only colour), zero and the intervention marked, axis titles with units
    and a legend. ``week_label`` is a %(week)s pattern for each point's <title>."""
    width, height = 640, 320
    left, right, top, bottom = 70, 16, 40, 62
    points = [w for w in weeks if w.get("effect_pct") is not None]
    if not points:
        return _svg(width, 40, title, [f'<text x="4" y="24" fill="{INK}">—</text>'])
    values = [0.0]
    for w in points:
        ends = [w[k] for k in ("low_pct", "high_pct") if w.get(k) is not None]
        values += [w["effect_pct"], *ends]
    ticks = _ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    first, last = min(w["week"] for w in points), max(w["week"] for w in points)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(week: float) -> float:
        return left + (week - first + 0.5) / (last - first + 1) * plot_w

    def y(value: float) -> float:
        return top + (hi - value) / ((hi - lo) or 1) * plot_h

    body = []
    for t in ticks:
        body.append(
            f'<line x1="{left}" y1="{y(t):.1f}" x2="{width - right}" y2="{y(t):.1f}" '
            f'stroke="{HIDDEN}"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(_signed(t))}</text>"
        )
    body.append(
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" '
        f'stroke="{INK}" stroke-dasharray="4 3"/>'
    )
    cut = x(-0.5)
    body.append(
        f'<line x1="{cut:.1f}" y1="{top}" x2="{cut:.1f}" y2="{top + plot_h}" stroke="{GRID}" '
        f'stroke-width="2"/><text x="{cut + 4:.1f}" y="{top + 12}" fill="{INK}">'
        f"{escape(intervention)}</text>"
    )
    step = max(1, math.ceil((last - first + 1) / 12))
    for week in range(first, last + 1):
        if (week - first) % step == 0 or week == 0:
            body.append(
                f'<text x="{x(week):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'fill="{INK}">{week}</text>'
            )
    for w in points:
        cx, cy = x(w["week"]), y(w["effect_pct"])
        label = week_label % {"week": w["week"]}
        text = f"{label}: {_signed(w['effect_pct'])} %"
        if w.get("low_pct") is not None:
            text += f" ({_signed(w['low_pct'])} … {_signed(w['high_pct'])} %)"
            body.append(
                f'<line x1="{cx:.1f}" y1="{y(w["low_pct"]):.1f}" x2="{cx:.1f}" '
                f'y2="{y(w["high_pct"]):.1f}" stroke="{INK}" stroke-width="1.5"/>'
            )
        if w["week"] < 0:
            mark = (
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="#ffffff" stroke="{BAR}" '
                f'stroke-width="2">'
            )
            body.append(f"{mark}<title>{escape(text)}</title></circle>")
        else:
            body.append(
                f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{BAR}">'
                f"<title>{escape(text)}</title></rect>"
            )
    body.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'fill="{INK}">{escape(x_title)}</text>'
        f'<text transform="translate(16 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}">{escape(y_title)}</text>'
    )
    # the legend in one row, each entry as wide as its text (about 6.5 px a character at 12 px)
    pen = 8.0
    entries = []
    for kind, label in (("before", before), ("after", after), ("interval", interval)):
        entries.append((kind, label, pen))
        pen += 16 + 6.5 * len(label) + 18
    for kind, label, at in entries:
        if kind == "before":
            body.append(
                f'<circle cx="{at + 6:.1f}" cy="12" r="5" fill="#ffffff" stroke="{BAR}" '
                'stroke-width="2"/>'
            )
        elif kind == "after":
            body.append(f'<rect x="{at + 1:.1f}" y="7" width="10" height="10" fill="{BAR}"/>')
        else:
            body.append(
                f'<line x1="{at + 6:.1f}" y1="6" x2="{at + 6:.1f}" y2="18" stroke="{INK}" '
                'stroke-width="1.5"/>'
            )
        body.append(f'<text x="{at + 16:.1f}" y="16" fill="{INK}">{escape(label)}</text>')
    return _svg(width, height, title, body)


def _signed(value: float) -> str:
    text = f"{value:+.1f}".rstrip("0").rstrip(".") if value else "0"
    return text.replace("-", "\u2212")
