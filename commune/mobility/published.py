"""The public observatory's reads: the published periods, their labels, and a period's stored
open-data tables shaped like the analyst's indicators, so the same presentation, map and exports
serve both. Nothing here computes a figure about people: it reads what services/opendata.py
published (and the car parks' occupancy, which is not about people)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

from commune.tenants.models import Municipality

from . import selectors, warehouse
from .models import Sensor
from .observatory import mobility_settings


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


def _frame(table: dict | None) -> pd.DataFrame | None:
    if table is None:
        return None
    return pd.DataFrame(table["rows"], columns=table["columns"]).astype("object")


def _series(frame: pd.DataFrame, column: str, index: str) -> pd.Series:
    return pd.Series(frame[column].to_numpy(), index=frame[index].to_numpy(), dtype="object")


def period_data(*, municipality: Municipality, period) -> dict:
    """A published period's tables as the indicators' frames (hidden figures are None)."""
    published = selectors.publications_of(municipality=municipality, period=period)
    settings = mobility_settings(municipality=municipality)
    names = ("daily", "profile", "quality", "od", "typology", "catchment", "occupancy", "dwell")
    data: dict = dict.fromkeys(names)
    perimeter: list[str] = []
    if "counts" in published:
        tables = published["counts"].tables
        daily = _frame(tables["daily"])
        daily["local_date"] = [dt.date.fromisoformat(d) for d in daily.local_date]
        data["daily"] = daily
        data["site_totals"] = _series(_frame(tables["sites"]), "volume", "site_id")
        data["profile"] = _frame(tables["profile"])
        data["quality"] = _frame(tables["quality"])
    if "od" in published:
        tables = published["od"].tables
        data["od"], data["typology"] = _frame(tables["od"]), _frame(tables["typology"])
        zones = _frame(tables["zones"])
        data["od_out"] = _series(zones, "trips_out", "zone_id")
        data["od_in"] = _series(zones, "trips_in", "zone_id")
        perimeter = published["od"].perimeter
    if "presence" in published:
        tables = published["presence"].tables
        data["catchment"], data["dwell"] = _frame(tables["catchment"]), _frame(tables["dwell"])
        perimeter = perimeter or published["presence"].perimeter
    data["occupancy"] = warehouse.parking_occupancy(
        municipality=municipality, start=period.start, end=period.end + dt.timedelta(days=1)
    )
    ks = [p.k for p in published.values()]
    site_ids = [] if data["daily"] is None else sorted(set(data["daily"].site_id))
    data.update(
        catalogue=warehouse.observatory_places(municipality=municipality, site_ids=site_ids),
        perimeter=perimeter,
        k=max(ks) if ks else settings.k_anonymity,
        public=True,
        period=period,
        sensor_names=dict(Sensor.objects.values_list("external_id", "name")),
    )
    return data
