"""The families of open-data tables: how each reads its basis (the underlying cells of a week)
from the store, which figures it publishes over those cells, and how they are shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analytics import indicators, privacy, rollups

from .periods import MONTH, TZ, Period, hours_in


def _table(columns: list[str], rows: list[list]) -> dict:
    return {"columns": columns, "rows": rows}


def _shown(cell: privacy.Cell | None, hidden: set):
    if cell is None or cell.key in hidden:
        return None
    value = cell.value
    return int(value) if float(value).is_integer() else float(value)


def _share(part, total, hidden: set) -> float | None:
    """A share is shown only with its part and its total (it would reveal either)."""
    if part is None or total is None or part.key in hidden or total.key in hidden:
        return None
    return float(part.value) / float(total.value) if total.value else None


def _records(bases: Mapping[Period, dict], period: Period, name: str) -> list[dict]:
    """The rows of one part of the bases of the pieces (weeks) inside ``period``, each with
    its piece's key."""
    out = []
    for piece, basis in sorted(bases.items()):
        columns = basis.get(name)
        if piece.start >= period.start and piece.end <= period.end and columns:
            names = list(columns)
            for values in zip(*columns.values(), strict=True):
                out.append(dict(zip(names, values, strict=True), piece=piece.key))
    return out


def _sums(records, key_of, atom_of, value: str) -> list[privacy.Cell]:
    """One figure per key: the sum of the records with that key (records keyed None: none)."""
    groups: dict = {}
    for r in records:
        key = key_of(r)
        if key is not None:
            terms, total = groups.setdefault(key, ({}, [0.0]))
            terms[atom_of(r)] = 1.0
            total[0] += r[value]
    return [privacy.Cell(key, terms, total[0]) for key, (terms, total) in sorted(groups.items())]


@dataclass
class Family:
    """One family of tables: how its basis is read, what its figures are, how they are shown."""

    name: str
    dataset: str  # the dataset whose dates say whether a period has its data

    def basis(self, w, town, period: Period) -> dict:
        raise NotImplementedError

    def cells(self, bases, period, perimeter) -> dict[str, list[privacy.Cell]]:
        """The period's figures, per table."""
        raise NotImplementedError

    def atoms(self, bases) -> dict:
        """The underlying cells of the bases and their values."""
        raise NotImplementedError

    def known(self, bases) -> list[privacy.Cell]:
        """What an attacker is assumed to know besides the figures (always shown)."""
        return []

    def tables(self, bases, period, perimeter, hidden: set, tz: str = TZ) -> dict:
        raise NotImplementedError


def _hour(r: dict) -> tuple:
    return ("hour", r["site_id"], r["hour_utc"])


def _town_sites(w, town) -> list[str]:
    """Every counting site of the town: those with counts and those it declared."""
    every = w.execute(rollups.hourly(w, town).select("site_id").distinct())
    sites = set(every.site_id.astype(str))
    try:
        declared = w.table(town, "sites")
    except FileNotFoundError:
        declared = None
    if declared is not None:
        sites |= set(w.execute(declared.select("site_id")).site_id.astype(str))
    return sorted(sites)


class Counts(Family):
    def basis(self, w, town, period):
        hourly = rollups.hourly(w, town, start=period.start, end=period.end + dt.timedelta(days=1))
        frame = w.execute(
            hourly.select("site_id", "hour_utc", "local_date", "local_hour", "volume")
        )
        frame = frame.sort_values(["site_id", "hour_utc"])
        return {
            "hours": {
                "site_id": frame.site_id.astype(str).tolist(),
                "hour_utc": [pd.Timestamp(t).isoformat() for t in frame.hour_utc],
                "local_date": [pd.Timestamp(d).date().isoformat() for d in frame.local_date],
                "local_hour": [int(h) for h in frame.local_hour],
                "volume": [int(v) for v in frame.volume],
            },
            # the data quality lists every site, one that delivered nothing included
            "sites": {"site_id": _town_sites(w, town)},
        }

    def atoms(self, bases):
        hours = _records(bases, Period(dt.date.min, dt.date.max, MONTH), "hours")
        return {_hour(r): r["volume"] for r in hours}

    def cells(self, bases, period, perimeter):
        hours = _records(bases, period, "hours")
        out = {
            "daily": _sums(
                hours, lambda r: ("daily", r["site_id"], r["local_date"]), _hour, "volume"
            ),
            "sites": _sums(hours, lambda r: ("site", period.key, r["site_id"]), _hour, "volume"),
            "profile": [],
        }
        observed: dict = {}  # (weekday, hour) -> site -> [(atom, volume)]
        for r in hours:
            weekday = dt.date.fromisoformat(r["local_date"]).isoweekday()
            by_site = observed.setdefault((weekday, r["local_hour"]), {})
            by_site.setdefault(r["site_id"], []).append((_hour(r), r["volume"]))
        for (weekday, hour), by_site in sorted(observed.items()):
            terms, value = {}, 0.0
            for site_hours in by_site.values():  # each site's mean over its observed hours
                terms.update({atom: 1.0 / len(site_hours) for atom, _v in site_hours})
                value += sum(v for _atom, v in site_hours) / len(site_hours)
            out["profile"].append(
                privacy.Cell(("profile", period.key, weekday, hour), terms, value)
            )
        return out

    def tables(self, bases, period, perimeter, hidden, tz=TZ):
        cells = self.cells(bases, period, perimeter)
        observed = {c.key[1:]: len(c.terms) for c in cells["daily"]}
        expected = hours_in(period, tz)
        return {
            "daily": _table(
                ["site_id", "local_date", "volume", "hours_observed"],
                [
                    [c.key[1], c.key[2], _shown(c, hidden), observed[c.key[1:]]]
                    for c in cells["daily"]
                ],
            ),
            "sites": _table(
                ["site_id", "volume"], [[c.key[2], _shown(c, hidden)] for c in cells["sites"]]
            ),
            "profile": _table(
                ["iso_weekday", "local_hour", "mean_volume"],
                [[c.key[2], c.key[3], _shown(c, hidden)] for c in cells["profile"]],
            ),
            "quality": _table(
                ["site_id", "expected_hours", "observed_hours", "missing_hours"],
                [
                    [site, expected, hours, expected - hours]
                    for site, hours in _observed_hours(bases, period, cells["sites"]).items()
                ],
            ),
        }


def _observed_hours(bases, period, sites: list[privacy.Cell]) -> dict[str, int]:
    """Hours observed per site in the period, a site of the town without any at 0 (bases made
    before they listed the town's sites give the sites with data only)."""
    observed = {c.key[2]: len(c.terms) for c in sites}
    for r in _records(bases, period, "sites"):
        observed.setdefault(r["site_id"], 0)
    return dict(sorted(observed.items()))


TYPOLOGY = ("through", "exchange", "internal")


def _trip(r: dict) -> tuple:
    return ("od", r["piece"], r["origin"], r["destination"], r["via"])


def _typology(r: dict, inside: set) -> str | None:
    o_in, d_in = r["origin"] in inside, r["destination"] in inside
    if o_in and d_in:
        return "internal"
    if o_in or d_in:
        return "exchange"
    return "through" if r["via"] in inside else None


class OD(Family):
    def basis(self, w, town, period):
        trips = rollups.od_trips(w, town)
        trips = trips.filter((trips.local_date >= period.start) & (trips.local_date <= period.end))
        grouped = trips.group_by(["origin", "destination", "via"]).agg(trips=trips.trips.sum())
        frame = w.execute(grouped).sort_values(["origin", "destination", "via"])
        return {
            "trips": {
                "origin": frame.origin.astype(str).tolist(),
                "destination": frame.destination.astype(str).tolist(),
                "via": frame.via.fillna("").astype(str).tolist(),
                "trips": [int(t) for t in frame.trips],
            }
        }

    def atoms(self, bases):
        trips = _records(bases, Period(dt.date.min, dt.date.max, MONTH), "trips")
        return {_trip(r): r["trips"] for r in trips}

    def cells(self, bases, period, perimeter):
        trips = _records(bases, period, "trips")
        p = period.key
        out = {
            "od": _sums(trips, lambda r: ("od", p, r["origin"], r["destination"]), _trip, "trips"),
            "out": _sums(trips, lambda r: ("out", p, r["origin"]), _trip, "trips"),
            "in": _sums(trips, lambda r: ("in", p, r["destination"]), _trip, "trips"),
            "typology": [],
            "typology_total": [],
        }
        if perimeter:
            inside = set(perimeter)
            kinds = _sums(
                trips,
                lambda r: (k := _typology(r, inside)) and ("typology", p, k),
                _trip,
                "trips",
            )
            order = {kind: i for i, kind in enumerate(TYPOLOGY)}
            out["typology"] = sorted(kinds, key=lambda c: order[c.key[2]])
            out["typology_total"] = _sums(
                trips, lambda r: _typology(r, inside) and ("typology_total", p), _trip, "trips"
            )
        return out

    def tables(self, bases, period, perimeter, hidden, tz=TZ):
        cells = self.cells(bases, period, perimeter)
        out_of = {c.key[2]: c for c in cells["out"]}
        into = {c.key[2]: c for c in cells["in"]}
        total = cells["typology_total"][0] if cells["typology_total"] else None
        return {
            "od": _table(
                ["origin", "destination", "trips"],
                [[c.key[2], c.key[3], _shown(c, hidden)] for c in cells["od"]],
            ),
            "zones": _table(
                ["zone_id", "trips_out", "trips_in"],
                [
                    [z, _shown(out_of.get(z), hidden), _shown(into.get(z), hidden)]
                    for z in sorted(set(out_of) | set(into))
                ],
            ),
            "typology": _table(
                ["typology", "trips", "share"],
                [
                    [c.key[2], _shown(c, hidden), _share(c, total, hidden)]
                    for c in cells["typology"]
                ],
            ),
        }


def _band(r: dict):
    return "none" if r["band"] is None else float(r["band"])


def _people(name: str):
    def atom(r: dict) -> tuple:
        return (name, r["piece"], r["zone_id"], _band(r))

    return atom


class Presence(Family):
    def basis(self, w, town, period):
        out = {}
        presence = w.table(town, "presence")
        presence = presence.filter(
            (presence.local_date >= period.start) & (presence.local_date <= period.end)
        )
        band = indicators.band_lower_bound(
            presence.origin_distance_km, indicators.CATCHMENT_BANDS_KM
        )
        none = presence.origin_distance_km.isnull().name("none")
        presence = presence.mutate(band=band.cast("float64"))
        grouped = presence.group_by(["zone_id", none, "band"])
        frame = w.execute(grouped.agg(count=presence["count"].sum()))
        frame = frame.sort_values(["zone_id", "none", "band"])
        out["presence"] = {
            "zone_id": frame.zone_id.astype(str).tolist(),
            "band": [
                None if n else float(b) for n, b in zip(frame["none"], frame.band, strict=True)
            ],
            "count": [int(c) for c in frame["count"]],
        }
        try:
            dwell = w.table(town, "dwell")
        except FileNotFoundError:
            return out
        found = w.execute(
            indicators.dwell_time(dwell, start=period.start, end=period.end + dt.timedelta(days=1))
        ).sort_values(["zone_id", "band_min"])
        out["dwell"] = {
            "zone_id": found.zone_id.astype(str).tolist(),
            "band": [float(b) for b in found.band_min],
            "count": [int(c) for c in found.persons],
        }
        return out

    def atoms(self, bases):
        every = Period(dt.date.min, dt.date.max, MONTH)
        atoms = {}
        for name in ("presence", "dwell"):
            atoms.update({_people(name)(r): r["count"] for r in _records(bases, every, name)})
        return atoms

    def known(self, bases):
        """Per week and zone, presence summed over home bands and dwell summed over dwell bands
        count the same people when the operator delivered them together (they sum alike)."""
        every = Period(dt.date.min, dt.date.max, MONTH)
        sums: dict = {}
        for name, sign in (("presence", 1.0), ("dwell", -1.0)):
            for r in _records(bases, every, name):
                terms, total = sums.setdefault((r["piece"], r["zone_id"]), ({}, [0.0, 0.0]))
                terms[_people(name)(r)] = sign
                total[name == "dwell"] += r["count"]
        return [
            privacy.Cell(("same people", *key), terms, 0.0)
            for key, (terms, (presence, dwell)) in sorted(sums.items())
            if presence == dwell and -1.0 in terms.values() and 1.0 in terms.values()
        ]

    def cells(self, bases, period, perimeter):
        p = period.key
        zones = set(perimeter)

        def inside(r):
            return not zones or r["zone_id"] in zones

        presence = [
            r for r in _records(bases, period, "presence") if inside(r) and r["band"] is not None
        ]
        dwell = [r for r in _records(bases, period, "dwell") if inside(r)]
        atom_p, atom_d = _people("presence"), _people("dwell")
        return {
            "catchment": _sums(presence, lambda r: ("catchment", p, _band(r)), atom_p, "count"),
            "catchment_total": _sums(presence, lambda r: ("catchment_total", p), atom_p, "count"),
            "dwell": _sums(dwell, lambda r: ("dwell", p, r["zone_id"], _band(r)), atom_d, "count"),
            "dwell_zone": _sums(dwell, lambda r: ("dwell_zone", p, r["zone_id"]), atom_d, "count"),
        }

    def tables(self, bases, period, perimeter, hidden, tz=TZ):
        cells = self.cells(bases, period, perimeter)
        total = cells["catchment_total"][0] if cells["catchment_total"] else None
        zones = {c.key[2]: c for c in cells["dwell_zone"]}
        return {
            "catchment": _table(
                ["band_km", "presence", "share"],
                [
                    [c.key[2], _shown(c, hidden), _share(c, total, hidden)]
                    for c in cells["catchment"]
                ],
            ),
            "dwell": _table(
                ["zone_id", "band_min", "persons", "share"],
                [
                    [c.key[2], c.key[3], _shown(c, hidden), _share(c, zones[c.key[2]], hidden)]
                    for c in cells["dwell"]
                ],
            ),
        }


FAMILIES: dict[str, Family] = {
    "counts": Counts("counts", "counts"),
    "od": OD("od", "od"),
    "presence": Presence("presence", "presence"),
}
