"""Reads of the mobility app; every selector takes the municipality first and writes nothing.
The warehouse's figures come through `warehouse/` (its only door into analytics); the public
side reads only what services/opendata.py published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import pandas as pd
from django.contrib.gis.geos import Point
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from commune.tenants.models import LV95, Municipality

from . import warehouse
from .forms_observatory import default_period
from .models import (
    DataImport,
    Evaluation,
    MobilitySettings,
    Publication,
    QuarantinedMessage,
    Sensor,
)
from .presentation import page_of_sites
from .warehouse import opendata


def mobility_settings_get(*, municipality: Municipality) -> MobilitySettings:
    """The town's observatory settings, or the defaults (unsaved) when it has none: reading
    them writes nothing."""
    found = MobilitySettings.objects.filter(municipality=municipality).first()
    return found or MobilitySettings(municipality=municipality)


def perimeter_zones(*, municipality: Municipality, zones: pd.DataFrame, settings) -> list[str]:
    """The perimeter zones: as set in the settings, else the zones whose centre lies in the
    town's territory."""
    known = set(zones.zone_id) if not zones.empty else set()
    if settings.perimeter_zones:
        return [z for z in settings.perimeter_zones if z in known]
    if zones.empty or municipality.territory is None:
        return []
    return [
        row.zone_id
        for row in zones.itertuples()
        if municipality.territory.contains(Point(row.e, row.n, srid=LV95))
    ]


def sensor_names(*, municipality: Municipality) -> dict[str, str]:
    """The town's sensors' names by their id in the messages."""
    return dict(Sensor.objects.filter(municipality=municipality).values_list("external_id", "name"))


def observatory_data(
    *,
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    modes: list[str] | None = None,
    sites: list[str] | None = None,
    daily_sites: Callable[[list[str]], list[str]] | None = None,
    catalogue: dict | None = None,
) -> dict:
    """The catalogue and the internal indicators from `start` to `end` (inclusive local dates),
    for the analysts (the public side reads published tables only: published_period_data).
    `counted_sites` are the ids of the sites with counts in the period and `site_totals` their
    totals; `daily` holds the days of the sites `daily_sites` picks from `counted_sites` (a
    page of them), of every site when None; it is None when it picks none (an export that
    writes no days). `catalogue`: the town's, when already read."""
    settings = mobility_settings_get(municipality=municipality)
    catalogue = catalogue or warehouse.observatory_catalogue(municipality=municipality)
    perimeter = perimeter_zones(
        municipality=municipality, zones=catalogue["zones"], settings=settings
    )
    data = warehouse.observatory_indicators(
        municipality=municipality,
        start=start,
        end=end + dt.timedelta(days=1),
        modes=modes,
        sites=sites,
        perimeter=perimeter,
        every_site=sites or _sites_of_modes(catalogue["site_modes"], modes),
    )
    totals, data["daily"] = data.pop("site_totals"), None
    if totals is not None:
        data["site_totals"] = _series(totals, "volume", "site_id")
        data["counted_sites"] = list(totals.site_id)
        shown = sites if daily_sites is None else daily_sites(data["counted_sites"])
        if shown != []:  # no site picked: nothing read, nor kept in the cache
            data["daily"] = warehouse.daily_volumes(
                municipality=municipality,
                start=start,
                end=end + dt.timedelta(days=1),
                modes=modes,
                sites=shown,
            )
    data.update(catalogue=catalogue, perimeter=perimeter, k=settings.k_anonymity, public=False)
    data["sensor_names"] = sensor_names(municipality=municipality)
    data["stops_day"] = timetable_day(municipality=municipality, start=start, end=end)
    data["stops"] = (
        warehouse.stops_supply(municipality=municipality, day=data["stops_day"])
        if data["stops_day"]
        else None
    )
    return data


def observatory_warm(*, municipality: Municipality) -> None:
    """Compute the default period's figures now (after an import), so that the page opened
    next reads them from the warehouse's cache (warehouse/cache.py) instead of the rollups."""
    catalogue = warehouse.observatory_catalogue(municipality=municipality)
    if catalogue["last"] is not None:
        start, end = default_period(catalogue["last"])
        observatory_data(
            municipality=municipality,
            start=start,
            end=end,
            catalogue=catalogue,
            daily_sites=partial(page_of_sites, page=1),
        )


def daily_of_period(
    *,
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    modes: list[str] | None = None,
    sites: list[str] | None = None,
) -> pd.DataFrame:
    """Daily volume per site from `start` to `end` (inclusive local dates): the other period of
    a comparison."""
    return warehouse.daily_volumes(
        municipality=municipality,
        start=start,
        end=end + dt.timedelta(days=1),
        modes=modes,
        sites=sites,
    )


def timetable_day(*, municipality: Municipality, start: dt.date, end: dt.date) -> dt.date | None:
    """The service day whose departures go on the observatory's map: the latest stored in the
    period, else the latest stored (a timetable is imported for one day, the counts cover many);
    None when no timetable was imported."""
    days = warehouse.departure_days(municipality=municipality)
    within = [day for day in days if start <= day <= end]
    return (within or days or [None])[0]


def _sites_of_modes(site_modes: dict[str, list[str]], modes: list[str] | None) -> list[str]:
    """The town's sites (a site that never counted included), or those that counted `modes`."""
    if modes is None:
        return list(site_modes)
    return [site for site, counted in site_modes.items() if set(counted) & set(modes)]


def import_list(*, municipality: Municipality) -> QuerySet[DataImport]:
    return DataImport.objects.filter(municipality=municipality).select_related("uploaded_by")


def import_get(*, municipality: Municipality, import_id: int) -> DataImport:
    """The town's import, or 404 (another town's id included)."""
    return get_object_or_404(import_list(municipality=municipality), pk=import_id)


def sensor_list(*, municipality: Municipality) -> QuerySet[Sensor]:
    return Sensor.objects.filter(municipality=municipality)


def quarantine_list(*, municipality: Municipality) -> QuerySet[QuarantinedMessage]:
    return QuarantinedMessage.objects.filter(municipality=municipality)


def publication_periods(*, municipality: Municipality) -> list:
    """The periods with published open data (analytics.opendata.Period), newest first, a month
    before its weeks."""
    found = (
        Publication.objects.filter(municipality=municipality)
        .values_list("kind", "start", "end")
        .distinct()
    )
    periods = {opendata.Period(start, end, kind) for kind, start, end in found}
    return sorted(periods, key=_month_then_its_weeks)[::-1]


def _month_then_its_weeks(period) -> tuple:
    return (period.start.replace(day=1), period.kind == opendata.MONTH, period.start)


def publications_of(*, municipality: Municipality, period) -> dict[str, Publication]:
    """The published tables of one period, per family (a family not yet published is absent)."""
    found = Publication.objects.filter(
        municipality=municipality, kind=period.kind, start=period.start, end=period.end
    )
    return {p.family: p for p in found}


def _frame(table: dict | None) -> pd.DataFrame | None:
    if table is None:
        return None
    return pd.DataFrame(table["rows"], columns=table["columns"]).astype("object")


def _series(frame: pd.DataFrame, column: str, index: str) -> pd.Series:
    return pd.Series(frame[column].to_numpy(), index=frame[index].to_numpy(), dtype="object")


def published_period_data(*, municipality: Municipality, period) -> dict:
    """A published period's tables shaped as the indicators' frames (hidden figures are None),
    so the same presentation, map and exports serve both sides. Nothing here computes a figure
    about people: it reads what services/opendata.py published (and the car parks' occupancy,
    which is not about people)."""
    published = publications_of(municipality=municipality, period=period)
    settings = mobility_settings_get(municipality=municipality)
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
    site_ids = sorted(
        {*([] if data["daily"] is None else data["daily"].site_id)}
        | {*([] if data["quality"] is None else data["quality"].site_id)}
    )
    data.update(
        catalogue=warehouse.observatory_places(municipality=municipality, site_ids=site_ids),
        perimeter=perimeter,
        k=max(ks) if ks else settings.k_anonymity,
        public=True,
        period=period,
        sensor_names=sensor_names(municipality=municipality),
    )
    return data


def evaluation_list(*, municipality: Municipality) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(municipality=municipality).select_related("requested_by")


def evaluation_get(*, municipality: Municipality, evaluation_id: int) -> Evaluation:
    """The town's evaluation, or 404 (another town's id included)."""
    return get_object_or_404(evaluation_list(municipality=municipality), pk=evaluation_id)


def evaluation_get_done(*, municipality: Municipality, evaluation_id: int) -> Evaluation:
    """The town's evaluation with its report, or 404 (not computed yet, or failed)."""
    done = evaluation_list(municipality=municipality).filter(status=Evaluation.Status.DONE)
    return get_object_or_404(done, pk=evaluation_id)


#: The stops the departures page lists at once (the busiest first; a name search finds others).
STOPS_SHOWN = 60


def departures_table(
    *, municipality: Municipality, day: dt.date, search: str = ""
) -> dict[str, object]:
    """The departures page's table for `day`: `hours` (the columns, GTFS hours of the day),
    `stops` (the busiest first, or those whose name holds `search`), each with its departures
    per hour and mean headway (minutes), and how many stops matched in all."""
    supply = warehouse.departures_per_stop_hour(municipality=municipality, day=day)
    if search.strip():
        hit = (
            supply.stop_name.fillna("")
            .str.casefold()
            .str.contains(search.strip().casefold(), regex=False)
        )
        supply = supply[hit]
    totals = supply.groupby("stop_id").departures.sum().sort_values(ascending=False, kind="stable")
    shown = list(totals.index[:STOPS_SHOWN])
    hours = sorted(set(supply.hour[supply.stop_id.isin(shown)].astype(int)))
    stops = []
    for stop_id in shown:
        rows = supply[supply.stop_id == stop_id]
        by_hour = {int(r.hour): r for r in rows.itertuples()}
        cells = [
            (
                int(by_hour[h].departures) if h in by_hour else 0,
                None
                if h not in by_hour or pd.isna(by_hour[h].mean_headway_min)
                else round(float(by_hour[h].mean_headway_min)),
            )
            for h in hours
        ]
        stops.append(
            {
                "id": stop_id,
                "name": rows.stop_name.iloc[0] or stop_id,
                "total": int(totals[stop_id]),
                "cells": cells,
            }
        )
    return {"hours": hours, "stops": stops, "matched": len(totals)}
