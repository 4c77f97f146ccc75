"""The observatory's tables and, beside each, its chart: every chart's axes titled, the value
axis with its unit (the counted mode's, per day or per hour), and its legend."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .. import charts, warehouse
from ..forms_observatory import MODE_LABELS
from .places import site_names, site_volumes, top_flows, zone_names
from .units import count_unit, modes_of
from .values import plain, share_text, whole_number_text

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


#: A canton counts at 11,000 sites: the page shows them a page at a time (every site is in
#: the exports), and the data quality table the sites with the most hours missing.
SITES_PER_PAGE = 50
QUALITY_ROWS = 50


def tables_and_charts(data: dict, *, modes: list[str] | None = None, page: int = 1) -> dict:
    """Tables and SVG charts for the template (each chart beside its table); `modes` are the
    filter's (None: all), which name the charts' units; `page` the page of the sites shown."""
    out: dict = {"typology": [], "catchment": [], "quality": []}
    out["sites"], out["sites_page"] = _sites(data, modes, page)
    out.update(_profile(data, modes, counted_sites(data)))
    out.update(_od_and_presence(data))
    out.update(_quality(data))
    out.update(_occupancy(data))
    out["dwell"] = _dwell(data)
    out["flows"] = top_flows(data)
    out["hours"] = list(range(24))
    out["indicators"] = _indicators(out)
    return out


def filter_words(data: dict, *, modes: list[str] | None, sites: list[str] | None) -> dict:
    """The filter in force in words: the modes' labels and the sites' names."""
    names = site_names(data)
    return {
        "modes": ", ".join(str(MODE_LABELS.get(m, m)) for m in modes or []),
        "sites": ", ".join(names.get(s, s) for s in sites or []),
    }


def _indicators(out: dict) -> list[tuple[str, str]]:
    found = [
        ("daily", _("Daily volume per site")),
        ("sites", _("Counting sites")),
        ("profile", _("Weekday and hour profile")),
        ("od", _("Origin–destination matrix")),
        ("typology", _("Traffic typology")),
        ("catchment", _("Catchment by distance")),
        ("quality", _("Data quality")),
    ]
    if out["occupancy_rows"]:
        found.append(("occupancy", _("Parking occupancy")))
    if out["dwell"]:
        found.append(("dwell", _("Dwell time")))
    return found


def counted_sites(data: dict) -> list[str]:
    """The ids of the sites with counts in the period, sorted."""
    if data.get("counted_sites") is not None:
        return data["counted_sites"]
    daily = data.get("daily")
    return [] if daily is None else sorted(daily.site_id.unique())


def page_of_sites(ids: list[str], page: int) -> list[str]:
    """The ids shown on page `page` of the sites (`ids` sorted): what the page reads the days
    of (selectors.observatory_data's `daily_sites`)."""
    where = _page_of(len(ids), page, SITES_PER_PAGE)
    return ids[where["first"] - 1 : where["last"]]


def _page_of(count: int, page: int, size: int) -> dict:
    pages = max(1, -(-count // size))
    number = min(max(1, page), pages)
    first = (number - 1) * size
    return {
        "number": number,
        "pages": pages,
        "count": count,
        "first": first + 1,
        "last": min(count, first + size),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < pages else None,
    }


def _sites(data: dict, modes: list[str] | None, page: int) -> tuple[list[dict], dict | None]:
    """The sites of page `page` (by id): per site its total and mean per day, its days, and
    the line of its daily volume in the unit of the mode it counted; and the page's place."""
    daily = data.get("daily")
    ids = counted_sites(data)
    if daily is None or not ids:
        return [], None
    where = _page_of(len(ids), page, SITES_PER_PAGE)
    daily = daily[daily.site_id.isin(page_of_sites(ids, page))]
    names, volumes = site_names(data), site_volumes(data)
    dates: dict = {}
    out = []
    for site_id, rows in daily.groupby("site_id", sort=True):
        points = [
            (d if type(d) is dt.date else pd.Timestamp(d).date(), plain(v))
            for d, v in zip(rows.local_date, rows.volume, strict=True)
        ]
        total, name = volumes.get(site_id), names.get(site_id, site_id)
        out.append(
            {
                "id": site_id,
                "name": name,
                "total": total,
                # the total over the days with data (hidden with the total, so the mean
                # tells nothing the table does not)
                "mean": None if total is None else total / len(points),
                "days": points,
                "day_rows": _day_rows(points, dates),
                "chart": charts.sparkline(
                    _("Daily volume at %(site)s") % {"site": name},
                    points,
                    x_title=_("Date (day.month.)"),
                    y_title=count_unit(modes_of(data, [site_id], modes), per="day"),
                ),
            }
        )
    return out, where


def _day_rows(points: list[tuple], dates: dict) -> SafeString:
    """A site's days as table rows (date, volume; "—" when hidden). Built here, not in the
    template: a page of 50 sites over a year is 18,300 rows, 2 s in the template engine and a
    tenth of that here. `dates` keeps each date's text for the next site."""
    for day, _v in points:
        if day not in dates:
            dates[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
    number = whole_number_text()
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td></tr>",
        ((dates[day], "—" if v is None else number(v)) for day, v in points),
    )


def _profile(data: dict, modes: list[str] | None, sites: list[str]) -> dict:
    """Mean hourly volume by weekday and hour, as a heatmap and its table."""
    profile = data.get("profile")
    if profile is None or profile.empty:
        return {"profile_rows": []}
    days = [_(d) for d in WEEKDAYS]
    grid = {
        (int(r.iso_weekday), int(r.local_hour)): plain(r.mean_volume) for r in profile.itertuples()
    }
    weekdays = sorted({d for d, _h in grid})  # a week cut at the month's edge has fewer
    unit = count_unit(modes_of(data, sites, modes), per="hour")
    return {
        "profile_unit": unit,
        "profile_chart": charts.heatmap(
            _("Mean hourly volume by weekday and hour"),
            {(weekdays.index(d) + 1, h): v for (d, h), v in grid.items()},
            [days[d - 1] for d in weekdays],
            x_title=_("Hour of the day (0 to 23 h)"),
            y_title=_("Day of the week"),
            unit=unit,
        ),
        "profile_rows": [
            {"day": days[d - 1], "values": [grid.get((d, h)) for h in range(24)]} for d in weekdays
        ],
    }


def _od_and_presence(data: dict) -> dict:
    """The perimeter's traffic typology and where its visitors come from (shares as bars)."""
    out: dict = {"typology": [], "catchment": []}
    labels = {"internal": _("Internal"), "exchange": _("Exchange"), "through": _("Through")}
    typology = data.get("typology")
    if typology is not None and not typology.empty:
        order = {"through": 0, "exchange": 1, "internal": 2}
        rows = sorted(typology.to_dict("records"), key=lambda r: order.get(r["typology"], 9))
        out["typology"] = [
            {
                "label": labels.get(r["typology"], r["typology"]),
                "trips": plain(r["trips"]),
                "share": plain(r["share"]),
            }
            for r in rows
        ]
        out["typology_chart"] = charts.bars(
            _("Traffic typology of the perimeter"),
            [(r["label"], r["share"], share_text(r["share"])) for r in out["typology"]],
            # xgettext:no-python-format
            x_title=_("Share of the trips (%)"),
            y_title=_("Type of trip"),
        )
    catchment = data.get("catchment")
    if catchment is not None and not catchment.empty:
        out["catchment"] = [
            {
                "label": _band(float(r["band_km"])),
                "presence": plain(r["presence"]),
                "share": plain(r["share"]),
            }
            for r in catchment.to_dict("records")
        ]
        out["catchment_chart"] = charts.bars(
            _("Visitors by distance from home"),
            [(r["label"], r["share"], share_text(r["share"])) for r in out["catchment"]],
            # xgettext:no-python-format
            x_title=_("Share of the person-hours in the perimeter (%)"),
            y_title=_("Distance from home"),
        )
    return out


def _quality(data: dict) -> dict:
    """Hours expected, observed and missing per site, the missing ones as bars."""
    quality = data.get("quality")
    if quality is None or quality.empty:
        return {"quality": []}
    names = site_names(data)
    every = len(quality)
    if every > QUALITY_ROWS:  # the sites that miss the most first, then by id
        quality = quality.sort_values(["missing_hours", "site_id"], ascending=[False, True])
        quality = quality.head(QUALITY_ROWS)
    rows = [
        {
            "id": r.site_id,
            "name": names.get(r.site_id, r.site_id),
            "expected": int(r.expected_hours),
            "observed": int(r.observed_hours),
            "missing": int(r.missing_hours),
        }
        for r in quality.itertuples()
    ]
    return {
        "quality": rows,
        "quality_sites": every,
        "quality_chart": charts.bars(
            _("Missing hours per site"),
            [(q["name"], q["missing"], str(q["missing"])) for q in rows],
            x_title=_("Hours without counts in the period"),
            y_title=_("Counting site"),
        ),
    }


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
                "persons": plain(r["persons"]),
                "share": plain(r.get("share")),
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
            x_title=_("Hour of the day (0 to 23 h)"),
            y_title=_("Car park"),
            # xgettext:no-python-format
            unit=_("% of spaces taken"),
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


def _band(lower: float) -> str:
    bounds = [0.0, *warehouse.catchment_bands_km()]
    upper = next((b for b in bounds if b > lower), None)
    if upper is None:
        return _("%(km)s km and more") % {"km": f"{lower:g}"}
    return _("%(low)s to %(high)s km") % {"low": f"{lower:g}", "high": f"{upper:g}"}
