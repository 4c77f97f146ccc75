"""The observatory's indicators from the town's warehouse, and what its open data is made of."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd

from analytics import indicators, opendata, rollups
from analytics.timeparse import local_hours
from commune.tenants.models import Municipality

from . import cache
from .engine import warehouse_store
from .ingest import warehouse_root


def _store():
    return warehouse_store(threads=2)


def _table_or_none(store, municipality: Municipality, dataset: str):
    try:
        return store.table(municipality.pk, dataset)
    except FileNotFoundError:
        return None


def _sorted(values: list[str] | None) -> list[str] | None:
    return None if values is None else sorted(values)


def daily_volumes(
    *,
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    modes: list[str] | None = None,
    sites: list[str] | None = None,
) -> pd.DataFrame:
    """Daily volume per site for local dates in [start, end) (site_id, local_date, volume,
    hours_observed), by site and date; empty when the town has no counts. Kept until the
    town's data changes (cache.py)."""
    what = {"daily": [str(start), str(end), _sorted(modes), _sorted(sites)]}
    return cache.kept(
        root=warehouse_root(),
        municipality_id=municipality.pk,
        what=what,
        compute=lambda: {"daily": _daily_volumes(municipality, start, end, modes, sites)},
    )["daily"]


def _daily_volumes(municipality, start, end, modes, sites):
    store = _store()
    if _table_or_none(store, municipality, "counts") is None:
        return pd.DataFrame(columns=["site_id", "local_date", "volume", "hours_observed"])
    days = rollups.daily(store, municipality.pk, start=start, end=end, sites=sites, modes=modes)
    # Arrow, not the engine's pandas: a year of a canton's days (4 M rows) in a second less
    return store.to_pyarrow(days.order_by(["site_id", "local_date"]))


def observatory_catalogue(*, municipality: Municipality) -> dict:
    """What the town's warehouse holds: its counting sites (those with counts and those it
    declared, with positions when known), the modes each site counted (`site_modes`, empty for
    a site that never counted), all modes, zones, and the first and last local date of the
    counts (None when there are none)."""
    store = _store()
    out = {"sites": pd.DataFrame(), "modes": [], "zones": pd.DataFrame(), "first": None}
    out["last"], out["site_modes"] = None, {}
    counts = _table_or_none(store, municipality, "counts")
    if counts is not None:
        ids = store.execute(rollups.site_spans(store, municipality.pk))  # no scan of the rows
        out["modes"] = sorted(set(ids["mode"]))
        if len(ids):
            out["first"] = pd.Timestamp(ids.first_date.min()).date()
            out["last"] = pd.Timestamp(ids.last_date.max()).date()
        declared = _table_or_none(store, municipality, "sites")
        site_modes: dict[str, list[str]] = {}
        if declared is not None:
            site_modes = {site: [] for site in store.execute(declared.site_id)}
        for site, mode in sorted(zip(ids.site_id, ids["mode"], strict=True)):
            site_modes.setdefault(site, []).append(mode)
        out["site_modes"] = dict(sorted(site_modes.items()))
        out["sites"] = _sites(store, municipality, list(out["site_modes"]))
    out["zones"] = _zones(store, municipality)
    return out


def observatory_places(*, municipality: Municipality, site_ids: list[str]) -> dict:
    """The catalogue's places only (no scan of the counts): `site_ids` with their names and
    positions when known, and the zones - what a published period's page and map need."""
    store = _store()
    return {"sites": _sites(store, municipality, site_ids), "zones": _zones(store, municipality)}


def _sites(store, municipality: Municipality, site_ids: list[str]):
    sites = pd.DataFrame({"site_id": pd.Series(site_ids, dtype=object)})
    meta = _table_or_none(store, municipality, "sites")
    if meta is not None:
        sites = sites.merge(store.execute(meta), on="site_id", how="left")
    for column in ("name", "kind", "lat", "lon"):
        if column not in sites:
            sites[column] = None
    sites["name"] = sites["name"].fillna(sites.site_id)
    return sites


def _zones(store, municipality: Municipality):
    zones = _table_or_none(store, municipality, "zones")
    if zones is None:
        return pd.DataFrame()
    return store.execute(zones).sort_values("zone_id").reset_index(drop=True)


def observatory_indicators(
    *,
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    modes: list[str] | None,
    sites: list[str] | None,
    perimeter: list[str],
    every_site: list[str] | None = None,
) -> dict:
    """The internal (unsuppressed) indicators of the observatory page for local dates in
    [start, end): each site's total (`site_totals`: site_id, volume, by id: the sites with
    counts in the period), weekday x hour profile, data quality, OD matrix, traffic typology
    of `perimeter`, the catchment of its visitors and the car parks' occupancy per hour. Data
    quality expects every hour of the period of each site of `every_site` (default: the sites
    with counts in it). A dataset the town has not imported gives None. The days of each site
    are `daily_volumes` (a page shows 50 sites' days; a canton's year is 4 M). Kept until the
    town's data changes (cache.py)."""
    what = {
        "indicators": [str(start), str(end), _sorted(modes), _sorted(sites)],
        "perimeter": sorted(perimeter),
        "every_site": _sorted(every_site),
    }
    return cache.kept(
        root=warehouse_root(),
        municipality_id=municipality.pk,
        what=what,
        compute=lambda: _indicators(municipality, start, end, modes, sites, perimeter, every_site),
    )


def _indicators(municipality, start, end, modes, sites, perimeter, every_site) -> dict:
    store = _store()
    kw = {"start": start, "end": end}
    town = municipality.pk
    names = ("site_totals", "profile", "quality", "od", "typology", "catchment", "occupancy")
    out: dict = dict.fromkeys((*names, "dwell"))
    counts = _table_or_none(store, municipality, "counts")
    if counts is not None:
        pieces = rollups.day_pieces(store, town, modes=modes, sites=sites, **kw)
        totals = store.execute(_site_totals(pieces)).sort_values("site_id")
        out["site_totals"] = totals[["site_id", "volume"]].reset_index(drop=True)
        out["profile"] = _profile(store, town, totals, modes=modes, sites=sites, **kw)
        quality = store.execute(
            indicators.missing_hours_of_period(pieces, start=start, end=end, sites=every_site)
        )
        out["quality"] = quality.sort_values("site_id")
    od = _table_or_none(store, municipality, "od")
    if od is not None:
        out["od"] = store.execute(indicators.od_matrix(rollups.od_trips(store, town), **kw))
        if perimeter:
            trips = rollups.od_trips(store, town)
            out["typology"] = store.execute(indicators.traffic_typology(trips, perimeter, **kw))
    presence = _table_or_none(store, municipality, "presence")
    if presence is not None:
        zones = perimeter or None
        out["catchment"] = store.execute(indicators.catchment(presence, zones=zones, **kw))
        out["catchment"] = out["catchment"].sort_values("band_km").reset_index(drop=True)
    dwell = _table_or_none(store, municipality, "dwell")
    if dwell is not None:
        found = store.execute(indicators.dwell_time(dwell, zones=perimeter or None, **kw))
        out["dwell"] = found.sort_values(["zone_id", "band_min"]).reset_index(drop=True)
    out["occupancy"] = parking_occupancy(municipality=municipality, start=start, end=end)
    return out


def _site_totals(days: ibis.Table) -> ibis.Table:
    """Each site's total over the period and its hours observed."""
    return days.group_by("site_id").agg(volume=days.volume.sum(), hours=days.hours_observed.sum())


def _profile(store, town, totals: pd.DataFrame, *, start, end, modes, sites) -> pd.DataFrame:
    """The weekday x hour profile summed over the sites: for the whole town, from the town's
    hourly sums for every site that missed no hour of the period (`totals`: each site's hours
    observed) and site by site for the others (rollups.town_profile); for chosen sites, site
    by site."""
    p = None
    if sites is None:
        expected = local_hours(start, end, indicators.TZ)
        incomplete = list(totals.site_id[totals.hours < expected])
        p = rollups.town_profile(
            store, town, start=start, end=end, modes=modes, incomplete=incomplete
        )
    if p is None:
        p = rollups.profile(store, town, start=start, end=end, modes=modes, sites=sites)
        p = p.group_by(["iso_weekday", "local_hour"]).agg(mean_volume=p.mean_volume.sum())
    return store.execute(p).sort_values(["iso_weekday", "local_hour"]).reset_index(drop=True)


def parking_occupancy(*, municipality: Municipality, start: dt.date, end: dt.date):
    """Mean occupancy of the town's car parks per local hour over local dates [start, end)
    (a car park, not people: never suppressed, see decision 0006); None without readings."""
    store = _store()
    readings = _table_or_none(store, municipality, "readings")
    if readings is None:
        return None
    found = store.execute(indicators.parking_occupancy(readings, start=start, end=end))
    return found.sort_values(["sensor_id", "local_hour"]).reset_index(drop=True)


def opendata_span(*, municipality: Municipality, family: str) -> tuple[dt.date, dt.date] | None:
    """The first and last local date of the data an open-data family is made of (None: none)."""
    return opendata.dataset_span(_store(), municipality.pk, opendata.FAMILIES[family].dataset)


def opendata_basis(*, municipality: Municipality, family: str, period) -> dict:
    """The underlying cells of one open-data family over a period (analytics.opendata): what
    its public tables are computed from, JSON-able, kept privately with the publication."""
    return opendata.FAMILIES[family].basis(_store(), municipality.pk, period)


def catchment_bands_km() -> tuple[float, ...]:
    """The upper bounds (km) of the catchment's distance bands, nearest first."""
    return tuple(indicators.CATCHMENT_BANDS_KM)


def dwell_bands_min() -> tuple[float, ...]:
    """The lower bounds (minutes) of the dwell-time bands after the first, shortest first."""
    return tuple(indicators.DWELL_BANDS_MIN)
