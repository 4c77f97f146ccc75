"""The published periods' labels, choices and links, and one period compared with another."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _


def period_label(period) -> str:
    """ "January 2026", or "Week 3, 12 to 18 January 2026" (a week cut at a month's edge
    shows the days it has)."""
    if period.kind == "month":
        return formats.date_format(period.start, "YEAR_MONTH_FORMAT")
    return _("Week %(number)s, %(start)s to %(end)s") % {
        "number": period.start.isocalendar().week,
        "start": formats.date_format(period.start, "DATE_FORMAT"),
        "end": formats.date_format(period.end, "DATE_FORMAT"),
    }


def period_choices(periods: list) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for the period field, grouped by month (the month first, then its weeks)."""
    groups: dict[dt.date, list[tuple[str, str]]] = {}
    for period in periods:
        month = period.start.replace(day=1)
        groups.setdefault(month, []).append((period.key, period_label(period)))
    return [
        (formats.date_format(month, "YEAR_MONTH_FORMAT"), choices)
        for month, choices in groups.items()
    ]


def period_links(periods: list, current) -> dict:
    """Links around the period shown: the previous and next periods of the same kind, and the
    month with its weeks."""
    same = sorted(p for p in periods if p.kind == current.kind)
    at = same.index(current)
    month = current.start.replace(day=1)
    family = sorted(p for p in periods if p.start.replace(day=1) == month)
    return {
        "previous": same[at - 1] if at > 0 else None,
        "next": same[at + 1] if at + 1 < len(same) else None,
        "month": [(p, period_label(p), p == current) for p in family],
    }


def comparison_rows(this: pd.DataFrame | None, other: pd.DataFrame, names: dict) -> list[dict]:
    """Per site, the mean daily volume over the days with counts in each period, and the change
    in per cent (None when either period has no day, or the other's mean is 0). Means, not
    totals: a period with a site down for a week is not read as a fall."""

    def means(frame) -> dict[str, tuple[float, int]]:
        if frame is None or frame.empty:
            return {}
        grouped = frame.groupby("site_id").volume
        return {
            site: (float(total) / days, int(days))
            for site, total, days in zip(
                grouped.sum().index, grouped.sum().values, grouped.count().values, strict=True
            )
        }

    now, then = means(this), means(other)
    rows = []
    for site in sorted(set(now) | set(then)):
        mean_now, days_now = now.get(site, (None, 0))
        mean_then, days_then = then.get(site, (None, 0))
        change = (mean_now / mean_then - 1) * 100 if mean_now is not None and mean_then else None
        rows.append(
            {
                "id": site,
                "name": names.get(site, site),
                "now": mean_now,
                "then": mean_then,
                "days_now": days_now,
                "days_then": days_then,
                "change": None if change is None else round(change, 1),
            }
        )
    return rows
