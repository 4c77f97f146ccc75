"""The observatory's places: sites and zones by their names (the id only when the catalogue has
no name), their volumes and trips, and the map's layers (sites, zones, the largest flows and
the timetable's stops), WGS84."""

from __future__ import annotations

import json

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

from .values import plain

TOP_FLOWS = 15


def site_volumes(data: dict) -> dict[str, float | None]:
    """Total volume per site over the period (the published totals when public)."""
    if data.get("site_totals") is not None:
        return {k: plain(v) for k, v in data["site_totals"].items()}
    daily = data.get("daily")
    if daily is None or daily.empty:
        return {}
    return {k: float(v) for k, v in daily.groupby("site_id").volume.sum().items()}


def zone_trips(data: dict) -> dict[str, dict]:
    od = data.get("od")
    if od is None or od.empty:
        return {}
    if data.get("od_out") is not None:
        out, into = data["od_out"], data["od_in"]
    else:
        out, into = od.groupby("origin").trips.sum(), od.groupby("destination").trips.sum()
    zones = set(out.index) | set(into.index)
    return {z: {"out": plain(out.get(z)), "in": plain(into.get(z))} for z in zones}


def site_names(data: dict) -> dict[str, str]:
    """Site id -> the site's name from the catalogue (the id when it has none)."""
    sites = data["catalogue"]["sites"]
    if sites is None or sites.empty or "name" not in sites:
        return {}
    pairs = zip(sites.site_id, sites.name, strict=True)
    return {s: (n if isinstance(n, str) and n.strip() else s) for s, n in pairs}


def zone_names(data: dict, *, say_unnamed: bool = True) -> dict[str, str]:
    """Zone id -> the zone's name from the catalogue. A zone the file gave no name (the
    importer keeps its id as its name) is shown by its id, saying so unless `say_unnamed` is
    false (the exports' name column then repeats the id)."""
    zones = data["catalogue"]["zones"]
    if zones is None or zones.empty or "name" not in zones:
        return {}
    out = {}
    for zone, name in zip(zones.zone_id, zones.name, strict=True):
        if isinstance(name, str) and name.strip() and name != zone:
            out[zone] = name
        else:
            out[zone] = _("%(id)s (no name)") % {"id": zone} if say_unnamed else zone
    return out


def top_flows(data: dict, limit: int = TOP_FLOWS) -> list[dict]:
    """The largest flows between two different zones (hidden cells are never ranked)."""
    od = data.get("od")
    if od is None or od.empty:
        return []
    flows = od[(od.origin != od.destination) & od.trips.notna()].copy()
    flows["trips"] = flows.trips.astype(float)
    flows = flows.sort_values(["trips", "origin", "destination"], ascending=[False, True, True])
    names = zone_names(data)
    return [
        {
            **f,
            "origin_name": names.get(f["origin"], f["origin"]),
            "destination_name": names.get(f["destination"], f["destination"]),
        }
        for f in flows.head(limit).to_dict("records")
    ]


def map_layers(data: dict) -> dict:
    """Sites (points with volumes), zones (polygons with trips out/in) and top flows, WGS84."""
    catalogue = data["catalogue"]
    volumes, site_named, zone_named = site_volumes(data), site_names(data), zone_names(data)
    sites = [
        {
            "id": r.site_id,
            "name": site_named.get(r.site_id, r.site_id),
            "lat": float(r.lat),
            "lon": float(r.lon),
            "volume": volumes.get(r.site_id),
        }
        for r in catalogue["sites"].itertuples()
        if plain(r.lat) is not None and (r.site_id in volumes)
    ]
    trips = zone_trips(data)
    zones, centres = [], {}
    for r in catalogue["zones"].itertuples():
        centres[r.zone_id] = (float(r.lat), float(r.lon))
        zones.append(
            {
                "type": "Feature",
                "id": r.zone_id,
                "geometry": json.loads(r.geometry),
                "properties": {
                    "zone_id": r.zone_id,
                    "name": zone_named.get(r.zone_id, r.zone_id),
                    "perimeter": r.zone_id in data["perimeter"],
                    "trips_out": trips.get(r.zone_id, {}).get("out"),
                    "trips_in": trips.get(r.zone_id, {}).get("in"),
                },
            }
        )
    flows = [
        {
            "from": centres[f["origin"]],
            "to": centres[f["destination"]],
            "trips": plain(f["trips"]),
            "label": f"{f['origin_name']} → {f['destination_name']}",
        }
        for f in top_flows(data)
        if f["origin"] in centres and f["destination"] in centres
    ]
    return {
        "sites": sites,
        "zones": {"type": "FeatureCollection", "features": zones},
        "flows": flows,
        "stops": stop_points(data.get("stops")),
    }


def stop_points(stops) -> list[dict]:
    """The public-transport stops of the day's timetable (analysts' map only): position,
    departures in the day, mean interval from 7:00 to 19:00 in minutes to the tenth."""
    if stops is None or stops.empty:
        return []
    points = []
    for r in stops.itertuples():
        name = r.stop_name or r.stop_id
        interval = None if pd.isna(r.interval_min) else round(float(r.interval_min), 1)
        departures = formats.number_format(int(r.departures), force_grouping=True)
        if interval is None:
            label = _("%(name)s: %(departures)s departures in the day, none from 7:00 to 19:00")
        else:
            label = _(
                "%(name)s: %(departures)s departures in the day, one every %(interval)s min "
                "on average from 7:00 to 19:00"
            )
        points.append(
            {
                "id": r.stop_id,
                "name": name,
                "lat": round(float(r.lat), 7),
                "lon": round(float(r.lon), 7),
                "departures": int(r.departures),
                "interval": interval,
                "label": label
                % {
                    "name": name,
                    "departures": departures,
                    "interval": formats.number_format(interval, 1) if interval else "",
                },
            }
        )
    return points
