"""The attacker proper: reads every page and export the public side serves and writes each
published figure as an equation (or a hidden one as a target) of its System, following the
indicators' published definitions."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ..opendata_data import Truth
from .system import System

FILENAME_PERIOD = re.compile(r"-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.\w+\"?$")
WITH_PEOPLE = ("daily", "sites", "profile", "od", "typology", "catchment", "dwell")


def _date(value) -> dt.date:
    return pd.Timestamp(value).date()


def hidden(value) -> bool:
    """A published figure left out: None, NaN or an empty CSV cell."""
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


class Attacker:
    """Reads served responses into a System over the truth's underlying cells."""

    def __init__(self, truth: Truth):
        self.truth = truth
        c, od, pr, dw = truth.counts, truth.od, truth.presence, truth.dwell
        self.offsets = {"counts": 0, "od": len(c), "presence": len(c) + len(od)}
        self.offsets["dwell"] = self.offsets["presence"] + len(pr)
        n = self.offsets["dwell"] + len(dw)
        values = np.concatenate(
            [c.volume.to_numpy(), od.trips.to_numpy(), pr["count"].to_numpy(), dw["count"]]
        ).astype(float)
        self.system = System(n=n, truth_values=values)
        self.served: list[str] = []
        self._profiles: dict = {}
        self._by_slot = dict(list(c.groupby(["iso_weekday", "local_hour"])))
        for name, frame, column in (
            ("counts", c, "volume"),
            ("od", od, "trips"),
            ("presence", pr, "count"),
            ("dwell", dw, "count"),
        ):
            for i in np.flatnonzero(frame[column].to_numpy() < truth.k):
                self.system.target(
                    {self.offsets[name] + int(i): 1.0},
                    float(frame[column].iloc[i]),
                    f"underlying {name} cell {frame.iloc[i].to_dict()}",
                )
        self._identities()

    def _identities(self) -> None:
        """What the attacker knows beyond the figures: per zone and day, presence summed over
        home classes equals dwell summed over dwell classes (one delivery, the same people)."""
        pr, dw = self.truth.presence, self.truth.dwell
        for (zone, day), rows in pr.groupby(["zone_id", "local_date"]).groups.items():
            vector = {self.offsets["presence"] + int(i): 1.0 for i in rows}
            other = dw.index[(dw.zone_id == zone) & (dw.local_date == day)]
            vector.update({self.offsets["dwell"] + int(i): -1.0 for i in other})
            self.system.equation(vector, 0.0, f"identity {zone} {day}")

    # --- vectors of the published definitions ------------------------------------------------

    def _rows(self, name: str, start: dt.date, end: dt.date, **equal) -> pd.Index:
        frame = getattr(self.truth, name)
        mask = (frame.local_date >= start) & (frame.local_date <= end)
        for column, value in equal.items():
            mask &= (
                frame[column].isin(value)
                if isinstance(value, set | list)
                else (frame[column] == value)
            )
        return frame.index[mask]

    def _sum(self, name, rows, weight=1.0) -> dict[int, float]:
        return {self.offsets[name] + int(i): weight for i in rows}

    def daily(self, site, day) -> dict:
        return self._sum("counts", self._rows("counts", day, day, site_id=site))

    def site_total(self, site, start, end) -> dict:
        return self._sum("counts", self._rows("counts", start, end, site_id=site))

    def profile(self, start, end, weekday, hour, sites=None) -> dict:
        key = (start, end, int(weekday), int(hour), frozenset(sites or ()))
        if key not in self._profiles:
            self._profiles[key] = self._profile(start, end, int(weekday), int(hour), sites)
        return self._profiles[key]

    def _profile(self, start, end, weekday, hour, sites) -> dict:
        counts = self._by_slot.get((weekday, hour), self.truth.counts.iloc[:0])
        counts = counts[(counts.local_date >= start) & (counts.local_date <= end)]
        if sites is not None:
            counts = counts[counts.site_id.isin(sites)]
        vector = {}
        for _site, group in counts.groupby("site_id"):
            vector.update(self._sum("counts", group.index, 1.0 / len(group)))
        return vector

    def od_cell(self, start, end, origin=None, destination=None) -> dict:
        equal = {}
        if origin is not None:
            equal["origin"] = origin
        if destination is not None:
            equal["destination"] = destination
        return self._sum("od", self._rows("od", start, end, **equal))

    def typology(self, start, end, kind=None) -> dict:
        od = self.truth.od
        rows = self._rows("od", start, end)
        inside = set(self.truth.perimeter)
        o_in, d_in = od.origin.loc[rows].isin(inside), od.destination.loc[rows].isin(inside)
        via_in = od.via.loc[rows].isin(inside)
        kinds = {
            "internal": o_in & d_in,
            "exchange": o_in ^ d_in,
            "through": ~o_in & ~d_in & via_in,
        }
        mask = kinds[kind] if kind else kinds["internal"] | kinds["exchange"] | kinds["through"]
        return self._sum("od", rows[mask.to_numpy()])

    def catchment(self, start, end, band=None) -> dict:
        equal = {"zone_id": set(self.truth.perimeter)}
        if band is not None:
            equal["band_km"] = float(band)
        return self._sum("presence", self._rows("presence", start, end, **equal))

    def dwell(self, start, end, zone, band=None) -> dict:
        equal = {"zone_id": zone}
        if band is not None:
            equal["band_min"] = float(band)
        return self._sum("dwell", self._rows("dwell", start, end, **equal))

    def _value(self, vector) -> float:
        idx = np.fromiter(vector.keys(), int)
        return float(np.fromiter(vector.values(), float) @ self.system.truth_values[idx])

    def figure(self, vector: dict, value, source: str) -> None:
        """A published figure: an equation when shown, a target when hidden and below k."""
        if not vector:
            return
        if hidden(value):
            truth = self._value(vector)
            if truth < self.truth.k:
                self.system.target(vector, truth, f"hidden {source}")
        else:
            self.system.equation(vector, float(value), source)

    def implied(self, vector: dict, source: str) -> None:
        """A total the table implies (the denominator of its shares): a target when below k,
        whether or not a share gives it away."""
        if vector and (truth := self._value(vector)) < self.truth.k:
            self.system.target(vector, truth, f"implied {source}")

    def share(self, part: dict, total: dict, share, source: str) -> None:
        """A share shown: part - share x total = 0."""
        if hidden(share) or not total:
            return
        vector = dict(part)
        for i, w in total.items():
            vector[i] = vector.get(i, 0.0) - float(share) * w
        self.system.equation(vector, 0.0, f"{source} (share)")

    # --- reading what is served -------------------------------------------------------------

    def read_table(self, indicator: str, frame: pd.DataFrame, start, end, source: str) -> None:
        """One indicator's table of the period [start, end] (inclusive)."""
        if frame is None or frame.empty:
            return
        where = f"{source} {indicator} {start}..{end}"
        records = frame.to_dict("records")
        if indicator == "daily":
            for r in records:
                day = _date(r["local_date"])
                self.figure(self.daily(r["site_id"], day), r["volume"], f"{where} {r}")
        elif indicator == "sites":
            for r in records:
                vector = self.site_total(r["site_id"], start, end)
                self.figure(vector, r["volume"], f"{where} {r['site_id']}")
        elif indicator == "profile":
            for r in records:
                vector = self.profile(start, end, r["iso_weekday"], r["local_hour"])
                self.figure(vector, r["mean_volume"], f"{where} {r}")
        elif indicator == "od":
            for r in records:
                vector = self.od_cell(start, end, r["origin"], r["destination"])
                self.figure(vector, r["trips"], f"{where} {r}")
        elif indicator == "typology":
            self.implied(self.typology(start, end), f"{where} total")
            for r in records:
                part = self.typology(start, end, r["typology"])
                self.figure(part, r["trips"], f"{where} {r}")
                self.share(part, self.typology(start, end), r.get("share"), f"{where} {r}")
        elif indicator == "catchment":
            self.implied(self.catchment(start, end), f"{where} total")
            for r in records:
                part = self.catchment(start, end, r["band_km"])
                self.figure(part, r["presence"], f"{where} {r}")
                self.share(part, self.catchment(start, end), r.get("share"), f"{where} {r}")
        elif indicator == "dwell":
            for zone in sorted({r["zone_id"] for r in records}):
                self.implied(self.dwell(start, end, zone), f"{where} total of {zone}")
            for r in records:
                part = self.dwell(start, end, r["zone_id"], r["band_min"])
                self.figure(part, r["persons"], f"{where} {r}")
                total = self.dwell(start, end, r["zone_id"])
                self.share(part, total, r.get("share"), f"{where} {r}")

    def read_export(self, response, indicator: str, url: str, *, required=True) -> None:
        if response.status_code != 200 and not required:
            return
        assert response.status_code == 200, (url, response.status_code)
        self.served.append(url)
        start, end = export_period(response)
        if response["Content-Type"].startswith("text/csv"):
            frame = pd.read_csv(io.BytesIO(response.content))
        else:
            frame = pq.read_table(io.BytesIO(response.content)).to_pandas()
        self.read_table(indicator, frame, start, end, url)

    def read_geojson(self, response, url: str, *, required=True) -> None:
        if response.status_code != 200 and not required:
            return
        assert response.status_code == 200, (url, response.status_code)
        self.served.append(url)
        start, end = export_period(response)
        self.read_layers(json.loads(response.content), start, end, url)

    def read_layers(self, doc: dict, start, end, source: str) -> None:
        """The map's layers (GeoJSON export, or the page's embedded layers)."""
        for feature in doc["features"]:
            p = feature["properties"]
            layer = p.get("layer")
            if layer == "site":
                vector = self.site_total(p["site_id"], start, end)
                self.figure(vector, p["volume"], f"{source} site {p['site_id']}")
            elif layer == "zone" or "trips_out" in p:
                zone = p["zone_id"]
                out, into = (
                    self.od_cell(start, end, origin=zone),
                    self.od_cell(start, end, None, zone),
                )
                self.figure(out, p["trips_out"], f"{source} zone {zone} out")
                self.figure(into, p["trips_in"], f"{source} zone {zone} in")
            elif layer == "flow":
                origin, destination = p["flow"].split(" → ")
                vector = self.od_cell(start, end, origin, destination)
                self.figure(vector, p["trips"], f"{source} flow {p['flow']}")

    def read_page(self, response, url: str) -> None:
        """The page: every table it renders (from its context, unrounded: more than the HTML
        shows) and the map layers it embeds."""
        assert response.status_code in (200, 400), (url, response.status_code)
        self.served.append(url)
        context = response.context
        if not context.get("has_data"):
            return
        period = context.get("period") or context["filters"]
        start, end = period.start, period.end
        data = context["data"]
        for indicator in ("daily", "profile", "od", "typology", "catchment", "dwell"):
            self.read_table(indicator, data.get(indicator), start, end, url)
        for s in context["shown"]["sites"]:
            vector = self.site_total(s["id"], start, end)
            self.figure(vector, s["total"], f"{url} total {s['id']}")
            days = len(s["days"])
            if s["mean"] is not None and days:
                self.system.equation(
                    {i: w / days for i, w in vector.items()}, s["mean"], f"{url} mean {s['id']}"
                )
        layers = context["layers"]
        for site in layers["sites"]:
            vector = self.site_total(site["id"], start, end)
            self.figure(vector, site["volume"], f"{url} map site {site['id']}")
        self.read_layers(
            {
                "features": layers["zones"]["features"]
                + [
                    {"properties": {"layer": "flow", "flow": f["label"], "trips": f["trips"]}}
                    for f in layers["flows"]
                ]
            },
            start,
            end,
            f"{url} map",
        )


def export_period(response) -> tuple[dt.date, dt.date]:
    """The period an export declares in its file name (…-<start>-<end>.<ext>)."""
    found = FILENAME_PERIOD.search(response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    return dt.date.fromisoformat(found.group(1)), dt.date.fromisoformat(found.group(2))
