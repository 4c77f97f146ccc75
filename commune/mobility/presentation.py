"""How the observatory shows its figures, the analysts' and the public's alike: tables and SVG
charts (each chart beside its table), the map's layers, and the published periods' labels and
links. Pure shaping of what the selectors read; nothing here reads or writes a row.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

from . import charts, warehouse

TOP_FLOWS = 15


def _none(value):
    """A plain Python value (numpy scalars unwrapped), None for missing/hidden (NaN, NA)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value.item() if hasattr(value, "item") else value


def site_volumes(data: dict) -> dict[str, float | None]:
    """Total volume per site over the period (the published totals when public)."""
    if data.get("site_totals") is not None:
        return {k: _none(v) for k, v in data["site_totals"].items()}
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
    return {z: {"out": _none(out.get(z)), "in": _none(into.get(z))} for z in zones}


def zone_names(data: dict) -> dict[str, str]:
    """Zone id -> the zone's name from the catalogue (the id when it has none)."""
    zones = data["catalogue"]["zones"]
    if zones is None or zones.empty or "name" not in zones:
        return {}
    pairs = zip(zones.zone_id, zones.name, strict=True)
    return {z: (n if isinstance(n, str) and n.strip() else z) for z, n in pairs}


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
    volumes = site_volumes(data)
    sites = [
        {
            "id": r.site_id,
            "name": r.name,
            "lat": float(r.lat),
            "lon": float(r.lon),
            "volume": volumes.get(r.site_id),
        }
        for r in catalogue["sites"].itertuples()
        if _none(r.lat) is not None and (r.site_id in volumes)
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
                    "name": r.name,
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
            "trips": _none(f["trips"]),
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


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def tables_and_charts(data: dict) -> dict:
    """Tables and SVG charts for the template (each chart beside its table)."""
    out: dict = {"sites": [], "profile_rows": [], "typology": [], "catchment": [], "quality": []}
    names = (
        dict(zip(data["catalogue"]["sites"].site_id, data["catalogue"]["sites"].name, strict=True))
        if not data["catalogue"]["sites"].empty
        else {}
    )
    volumes = site_volumes(data)
    daily = data.get("daily")
    if daily is not None and not daily.empty:
        for site_id, rows in daily.groupby("site_id", sort=True):
            points = [
                (str(pd.Timestamp(d).date()), _none(v))
                for d, v in zip(rows.local_date, rows.volume, strict=True)
            ]
            total = volumes.get(site_id)
            out["sites"].append(
                {
                    "id": site_id,
                    "name": names.get(site_id, site_id),
                    "total": total,
                    # the total over the days with data (hidden with the total, so the mean
                    # tells nothing the table does not)
                    "mean": None if total is None else total / len(points),
                    "days": points,
                    "chart": charts.sparkline(
                        _("Daily volume at %(site)s") % {"site": names.get(site_id, site_id)},
                        points,
                    ),
                }
            )
    days = [_(d) for d in WEEKDAYS]
    profile = data.get("profile")
    if profile is not None and not profile.empty:
        grid = {
            (int(r.iso_weekday), int(r.local_hour)): _none(r.mean_volume)
            for r in profile.itertuples()
        }
        weekdays = sorted({d for d, _h in grid})  # a week cut at the month's edge has fewer
        out["profile_chart"] = charts.heatmap(
            _("Mean hourly volume by weekday and hour"),
            {(weekdays.index(d) + 1, h): v for (d, h), v in grid.items()},
            [days[d - 1] for d in weekdays],
        )
        out["profile_rows"] = [
            {"day": days[d - 1], "values": [grid.get((d, h)) for h in range(24)]} for d in weekdays
        ]
    labels = {"internal": _("Internal"), "exchange": _("Exchange"), "through": _("Through")}
    typology = data.get("typology")
    if typology is not None and not typology.empty:
        order = {"through": 0, "exchange": 1, "internal": 2}
        rows = sorted(typology.to_dict("records"), key=lambda r: order.get(r["typology"], 9))
        out["typology"] = [
            {
                "label": labels.get(r["typology"], r["typology"]),
                "trips": _none(r["trips"]),
                "share": _none(r["share"]),
            }
            for r in rows
        ]
        out["typology_chart"] = charts.bars(
            _("Traffic typology of the perimeter"),
            [(r["label"], r["share"], _share(r["share"])) for r in out["typology"]],
        )
    catchment = data.get("catchment")
    if catchment is not None and not catchment.empty:
        for r in catchment.to_dict("records"):
            out["catchment"].append(
                {
                    "label": _band(float(r["band_km"])),
                    "presence": _none(r["presence"]),
                    "share": _none(r["share"]),
                }
            )
        out["catchment_chart"] = charts.bars(
            _("Visitors by distance from home"),
            [(r["label"], r["share"], _share(r["share"])) for r in out["catchment"]],
        )
    quality = data.get("quality")
    if quality is not None and not quality.empty:
        out["quality"] = [
            {
                "id": r.site_id,
                "name": names.get(r.site_id, r.site_id),
                "expected": int(r.expected_hours),
                "observed": int(r.observed_hours),
                "missing": int(r.missing_hours),
            }
            for r in quality.itertuples()
        ]
        out["quality_chart"] = charts.bars(
            _("Missing hours per site"),
            [(q["name"], q["missing"], str(q["missing"])) for q in out["quality"]],
        )
    out.update(_occupancy(data))
    out["dwell"] = _dwell(data)
    out["flows"] = top_flows(data)
    out["hours"] = list(range(24))
    out["indicators"] = [
        ("daily", _("Daily volume per site")),
        ("sites", _("Counting sites")),
        ("profile", _("Weekday and hour profile")),
        ("od", _("Origin–destination matrix")),
        ("typology", _("Traffic typology")),
        ("catchment", _("Catchment by distance")),
        ("quality", _("Data quality")),
    ]
    if out["occupancy_rows"]:
        out["indicators"].append(("occupancy", _("Parking occupancy")))
    if out["dwell"]:
        out["indicators"].append(("dwell", _("Dwell time")))
    return out


def _dwell(data: dict) -> list[dict]:
    """Per zone, persons and share by dwell band (only when the operator delivered dwell)."""
    dwell = data.get("dwell")
    if dwell is None or dwell.empty:
        return []
    bands = [0.0, *warehouse.dwell_bands_min()]
    names = zone_names(data)
    rows = []
    for r in dwell.sort_values(["zone_id", "band_min"]).to_dict("records"):
        lower = float(r["band_min"])
        upper = next((b for b in bands if b > lower), None)
        label = (
            _("%(min)s min and more") % {"min": f"{lower:g}"}
            if upper is None
            else _("%(low)s to %(high)s min") % {"low": f"{lower:g}", "high": f"{upper:g}"}
        )
        rows.append(
            {
                "zone": names.get(r["zone_id"], r["zone_id"]),
                "label": label,
                "persons": _none(r["persons"]),
                "share": _none(r.get("share")),
            }
        )
    return rows


def _occupancy(data: dict) -> dict:
    """Car parks x local hour, mean occupancy in percent: a heatmap and its table."""
    occupancy = data.get("occupancy")
    if occupancy is None or occupancy.empty:
        return {"occupancy_rows": []}
    names = data.get("sensor_names") or {}
    sensors = sorted(set(occupancy.sensor_id))
    row_of = {s: i + 1 for i, s in enumerate(sensors)}
    grid = {
        (row_of[r.sensor_id], int(r.local_hour)): float(r.mean_occupancy) * 100
        for r in occupancy.itertuples()
    }
    labels = [names.get(s, s) for s in sensors]
    return {
        "occupancy_chart": charts.heatmap(
            # xgettext:no-python-format
            _("Mean parking occupancy by hour (% of spaces taken)"),
            grid,
            labels,
        ),
        "occupancy_rows": [
            {
                "id": s,
                "name": names.get(s, s),
                "values": [grid.get((row_of[s], h)) for h in range(24)],
            }
            for s in sensors
        ],
    }


def _share(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _band(lower: float) -> str:
    bounds = [0.0, *warehouse.catchment_bands_km()]
    upper = next((b for b in bounds if b > lower), None)
    if upper is None:
        return _("%(km)s km and more") % {"km": f"{lower:g}"}
    return _("%(low)s to %(high)s km") % {"low": f"{lower:g}", "high": f"{upper:g}"}


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
