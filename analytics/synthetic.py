"""Synthetic mobility data of any size, for demos, tests and benchmarks.

Counting sites follow a daily cycle (weekday commuter peaks at 7-8 h and 17-18 h, a midday hump
at weekends), a weekly cycle, Swiss public holidays (``holidays.Switzerland(subdiv=...)``, run as
Sundays), site-day noise (log-normal) on top of Poisson counts, and gaps (runs of missing hours).
Zones are a grid of 1 km squares in LV95 around a centre; presence carries a home-origin
breakdown, and OD trips are internal, exchange or through (a ``via`` zone inside the perimeter).
An optional :class:`Effect` multiplies treated sites' counts after a date (e.g. -15 %).
Everything streams to Parquet in chunks, so 100 million rows stay far below 4 GB of memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.geo import lv95_to_wgs84

MODES = np.array(["car", "car", "car", "bicycle", "pedestrian", "heavy", "bus"])
WEEKDAY_PROFILE = np.array(
    [0.6, 0.4, 0.3, 0.3, 0.6, 1.5, 4.0, 8.0, 7.0, 5.0, 4.5, 5.0]
    + [5.5, 5.0, 5.0, 5.5, 6.5, 8.0, 7.5, 5.0, 3.5, 2.5, 1.8, 1.0]
)
WEEKEND_PROFILE = np.array(
    [1.2, 0.9, 0.7, 0.5, 0.4, 0.5, 0.8, 1.5, 3.0, 4.5, 5.5, 6.0]
    + [6.0, 6.0, 6.0, 6.0, 5.5, 5.0, 4.5, 3.5, 2.5, 2.0, 1.6, 1.3]
)
DAY_FACTOR = np.array([1.0, 1.02, 1.03, 1.04, 1.08, 0.85, 0.65])  # Monday..Sunday
CENTRE_LV95 = (2_540_500.0, 1_151_000.0)  # Pully


@dataclass
class Effect:
    """Multiply the counts of ``sites`` by ``1 + change`` from ``start`` (local date) on."""

    sites: list[str]
    start: date
    change: float = -0.15


@dataclass
class TimeAxis:
    """Hourly UTC instants covering whole local days, with their local date, hour and weekday."""

    ts_utc: np.ndarray
    local_date: np.ndarray
    local_hour: np.ndarray
    weekday: np.ndarray  # 0 = Monday
    holiday: np.ndarray

    @classmethod
    def build(cls, start: date, days: int, tz: str, subdiv: str) -> TimeAxis:
        zone = ZoneInfo(tz)
        first = datetime(start.year, start.month, start.day, tzinfo=zone)
        end = first + timedelta(days=days)
        ts = pd.date_range(
            pd.Timestamp(first).tz_convert("UTC"),
            pd.Timestamp(end).tz_convert("UTC"),
            freq="h",
            inclusive="left",
        )
        local = ts.tz_convert(tz)
        years = range(start.year, (start + timedelta(days=days)).year + 1)
        hol = holidays.Switzerland(subdiv=subdiv, years=years)
        dates = local.date
        return cls(
            ts_utc=ts.as_unit("us").to_numpy(),
            local_date=np.asarray(dates, dtype="datetime64[D]"),
            local_hour=local.hour.to_numpy().astype(np.int8),
            weekday=local.day_of_week.to_numpy(),
            holiday=np.array([d in hol for d in dates]),
        )

    def shape(self) -> np.ndarray:
        """Expected share of a site's weekday volume for each hour."""
        sunday_like = self.holiday | (self.weekday >= 5)
        profile = np.where(
            sunday_like, WEEKEND_PROFILE[self.local_hour], WEEKDAY_PROFILE[self.local_hour]
        )
        day = np.where(self.holiday, DAY_FACTOR[6], DAY_FACTOR[self.weekday])
        return profile / WEEKDAY_PROFILE.sum() * day


@dataclass
class CountsSpec:
    n_sites: int = 8
    start: date = date(2024, 1, 1)
    days: int = 120
    tz: str = "Europe/Zurich"
    subdiv: str = "VD"
    seed: int = 1
    effect: Effect | None = None
    gap_rate: float = 0.01  # probability that a site-day has a gap of 1-6 hours
    day_noise: float = 0.05  # sd of the log-normal site-day factor
    daily_mean: tuple[float, float] = (2_000.0, 12_000.0)
    modes: bool = True
    site_ids: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        return self.site_ids or [f"S{i:05d}" for i in range(self.n_sites)]


def _counts_chunk(spec: CountsSpec, axis: TimeAxis, shape, sites, rng) -> pa.Table:
    n_s, n_h = len(sites), len(axis.ts_utc)
    idx = np.array([int(s[1:]) if s[1:].isdigit() else hash(s) % 10_000 for s in sites])
    base = spec.daily_mean[0] + (spec.daily_mean[1] - spec.daily_mean[0]) * ((idx * 0.618) % 1)
    day_index = (axis.local_date - axis.local_date[0]).astype(int)
    n_days = int(day_index[-1]) + 1
    day_noise = rng.lognormal(0, spec.day_noise, size=(n_s, n_days))[:, day_index]
    lam = base[:, None] * shape[None, :] * day_noise
    if spec.effect:
        treated = np.isin(sites, spec.effect.sites)
        after = axis.local_date >= np.datetime64(spec.effect.start)
        lam = np.where(treated[:, None] & after[None, :], lam * (1 + spec.effect.change), lam)
    counts = rng.poisson(lam)
    keep = np.ones((n_s, n_h), dtype=bool)
    if spec.gap_rate:
        gaps = np.argwhere(rng.random((n_s, n_days)) < spec.gap_rate)
        for s, d in gaps:
            hours = np.flatnonzero(day_index == d)
            start = rng.integers(0, len(hours))
            keep[s, hours[start : start + rng.integers(1, 7)]] = False
    site_col = np.repeat(np.asarray(sites, dtype=object), n_h).reshape(n_s, n_h)
    modes = MODES[idx % len(MODES)] if spec.modes else np.full(n_s, "all")
    mode_col = np.repeat(modes, n_h).reshape(n_s, n_h)
    tile = np.tile
    return pa.table(
        {
            "site_id": pa.array(site_col[keep], pa.string()),
            "ts_utc": pa.array(tile(axis.ts_utc, (n_s, 1))[keep], pa.timestamp("us", tz="UTC")),
            "local_date": pa.array(tile(axis.local_date, (n_s, 1))[keep], pa.date32()),
            "local_hour": pa.array(tile(axis.local_hour, (n_s, 1))[keep], pa.int8()),
            "count": pa.array(counts[keep], pa.int64()),
            "direction": pa.array(np.full(keep.sum(), ""), pa.string()),
            "mode": pa.array(mode_col[keep], pa.string()),
            "lane": pa.array(np.full(keep.sum(), ""), pa.string()),
        }
    )


def write_counts(folder: str | Path, spec: CountsSpec, *, chunk_rows: int = 4_000_000) -> int:
    """Write the counts of ``spec`` as ``folder/part-NNNNN.parquet``; returns the row count.
    Chunk files, for benchmarks and engine tests: a town's data is stored by month
    (analytics.store.merge_by_month), where an import of the same rows finds them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    axis = TimeAxis.build(spec.start, spec.days, spec.tz, spec.subdiv)
    shape = axis.shape()
    ids = spec.ids()
    per_chunk = max(1, chunk_rows // len(axis.ts_utc))
    rows = 0
    for k, i in enumerate(range(0, len(ids), per_chunk)):
        table = _counts_chunk(spec, axis, shape, ids[i : i + per_chunk], rng)
        pq.write_table(table, folder / f"part-{k:05d}.parquet", compression="zstd")
        rows += table.num_rows
    return rows


def counts_frame(spec: CountsSpec) -> pd.DataFrame:
    """The counts of ``spec`` in memory (small specs only)."""
    rng = np.random.default_rng(spec.seed)
    axis = TimeAxis.build(spec.start, spec.days, spec.tz, spec.subdiv)
    return _counts_chunk(spec, axis, axis.shape(), spec.ids(), rng).to_pandas()


# --- zones, presence and origin-destination trips ---------------------------------------------


#: Neighbourhoods of the demo towns (Pully, Lutry and their edges), LV95, placed in the demo's
#: own frame (analytics' demo sites): a zone whose square holds one is named after it.
PLACES = (
    ("Centre – Prieuré", 2_541_050, 1_151_300),
    ("Port", 2_540_900, 1_150_500),
    ("Chamblandes", 2_540_100, 1_150_700),
    ("Rennier", 2_540_200, 1_151_500),
    ("Rosiaz", 2_540_000, 1_152_400),
    ("Pully-Nord", 2_541_000, 1_152_300),
    ("Les Désertes", 2_541_800, 1_152_500),
    ("Monts-de-Pully", 2_541_000, 1_153_400),
    ("La Vuachère", 2_539_300, 1_151_400),
    ("Vallon de la Paudèze", 2_542_300, 1_151_500),
    ("La Perraudettaz", 2_542_000, 1_150_500),
    ("Paudex", 2_542_900, 1_150_500),
    ("Corsy", 2_543_200, 1_151_300),
    ("Lutry – Bourg", 2_543_850, 1_150_550),
    ("Crochet", 2_544_300, 1_151_400),
    ("La Conversion", 2_543_100, 1_152_200),
    ("La Croix-sur-Lutry", 2_544_300, 1_152_300),
    ("Le Châtelard", 2_545_000, 1_152_300),
    ("Savuit", 2_545_000, 1_151_600),
    ("Bossière", 2_545_100, 1_150_300),
)
COMPASS = ("Est", "Nord-Est", "Nord", "Nord-Ouest", "Ouest", "Sud-Ouest", "Sud", "Sud-Est")


@dataclass
class ZonesSpec:
    n_zones: int = 25
    perimeter: int = 4  # the first zones form the studied perimeter (e.g. the town centre)
    size_m: float = 1_000.0
    centre: tuple[float, float] = CENTRE_LV95

    def ids(self) -> list[str]:
        return [f"Z{i:03d}" for i in range(self.n_zones)]

    def names(self) -> list[str]:
        """Each zone's name: the neighbourhood of PLACES in its square (the nearest to its
        centre when several), else its direction from the centre and its ring ("Secteur
        Nord 2"); never its id."""
        half, names, seen = self.size_m / 2, [], {}
        for e, n in self.centroids():
            inside = [
                (math.hypot(pe - e, pn - n), name)
                for name, pe, pn in PLACES
                if -half <= pe - e < half and -half <= pn - n < half
            ]
            name = min(inside)[1] if inside else self._sector(e, n)
            # a sector seen at the same ring in another cell: "Secteur Ouest 3 b"
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name} {_letter(seen[name])}")
        return names

    def _sector(self, e: float, n: float) -> str:
        i, j = round((e - self.centre[0]) / self.size_m), round((n - self.centre[1]) / self.size_m)
        if i == j == 0:
            return "Centre"
        direction = COMPASS[round(math.atan2(j, i) / (math.pi / 4)) % 8]
        ring = max(abs(i), abs(j))
        return f"Secteur {direction}" + (f" {ring}" if ring > 1 else "")

    def centroids(self) -> np.ndarray:
        """LV95 centres of a square grid spiralling out from ``centre`` (nearest first)."""
        side = math.ceil(math.sqrt(self.n_zones)) + 2
        cells = [(i, j) for i in range(-side, side + 1) for j in range(-side, side + 1)]
        cells.sort(key=lambda c: (c[0] ** 2 + c[1] ** 2, c))
        cells = cells[: self.n_zones]
        return np.array(
            [(self.centre[0] + i * self.size_m, self.centre[1] + j * self.size_m) for i, j in cells]
        )

    def geojson(self) -> dict:
        """The zones as a GeoJSON FeatureCollection of WGS84 polygons (RFC 7946)."""
        half = self.size_m / 2
        features = []
        for zid, name, (e, n) in zip(self.ids(), self.names(), self.centroids(), strict=True):
            corners = [(e - half, n - half), (e + half, n - half), (e + half, n + half)]
            corners += [(e - half, n + half), (e - half, n - half)]
            ring = [
                [round(lon, 7), round(lat, 7)] for lat, lon in (lv95_to_wgs84(*c) for c in corners)
            ]
            features.append(
                {
                    "type": "Feature",
                    "id": zid,
                    "properties": {"zone_id": zid, "name": name},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
        return {"type": "FeatureCollection", "features": features}


def _letter(k: int) -> str:
    """b for the second, c for the third... then numbers."""
    return chr(ord("a") + k - 1) if k <= 26 else str(k)


@dataclass
class FlowSpec:
    zones: ZonesSpec = field(default_factory=ZonesSpec)
    start: date = date(2024, 1, 1)
    days: int = 14
    tz: str = "Europe/Zurich"
    subdiv: str = "VD"
    seed: int = 2
    through_share: float = 0.5  # share of outside-outside pairs that cross the perimeter
    mean_trips: float = 6.0


def _od_chunk(spec: FlowSpec, axis: TimeAxis, shape, hours: slice, rng) -> pa.Table:
    ids = np.array(spec.zones.ids(), dtype=object)
    n = len(ids)
    xy = spec.zones.centroids()
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000
    weight = spec.mean_trips * np.exp(-dist / 4)
    inside = np.arange(n) < spec.zones.perimeter
    pair_rng = np.random.default_rng(spec.seed + 1)  # the same via per pair in every chunk
    crosses = (~inside[:, None] & ~inside[None, :]) & (pair_rng.random((n, n)) < spec.through_share)
    via_zone = np.where(
        crosses, ids[pair_rng.integers(0, max(1, spec.zones.perimeter), (n, n))], ""
    )
    h = np.arange(len(axis.ts_utc))[hours]
    lam = weight[None, :, :] * (shape[h] * 24)[:, None, None]
    trips = rng.poisson(lam)
    m = len(h)
    origin = np.broadcast_to(ids[None, :, None], (m, n, n)).ravel()
    dest = np.broadcast_to(ids[None, None, :], (m, n, n)).ravel()
    via = np.broadcast_to(via_zone[None, :, :], (m, n, n)).ravel()

    def per_hour(a):
        return np.repeat(a[h], n * n)

    return pa.table(
        {
            "origin": pa.array(origin, pa.string()),
            "destination": pa.array(dest, pa.string()),
            "via": pa.array(via, pa.string()),
            "ts_utc": pa.array(per_hour(axis.ts_utc), pa.timestamp("us", tz="UTC")),
            "local_date": pa.array(per_hour(axis.local_date), pa.date32()),
            "local_hour": pa.array(per_hour(axis.local_hour), pa.int8()),
            "trips": pa.array(trips.ravel(), pa.int64()),
        }
    )


def write_od(folder: str | Path, spec: FlowSpec, *, chunk_rows: int = 4_000_000) -> int:
    """Write hourly OD trips for every zone pair as ``folder/part-NNNNN.parquet`` (chunk files,
    as write_counts)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    axis = TimeAxis.build(spec.start, spec.days, spec.tz, spec.subdiv)
    shape = axis.shape()
    per_chunk = max(1, chunk_rows // spec.zones.n_zones**2)
    rows = 0
    for k, i in enumerate(range(0, len(axis.ts_utc), per_chunk)):
        table = _od_chunk(spec, axis, shape, slice(i, i + per_chunk), rng)
        pq.write_table(table, folder / f"part-{k:05d}.parquet", compression="zstd")
        rows += table.num_rows
    return rows


def od_frame(spec: FlowSpec) -> pd.DataFrame:
    rng = np.random.default_rng(spec.seed)
    axis = TimeAxis.build(spec.start, spec.days, spec.tz, spec.subdiv)
    return _od_chunk(spec, axis, axis.shape(), slice(None), rng).to_pandas()


def presence_frame(spec: FlowSpec, *, origins_per_zone: int = 10) -> pd.DataFrame:
    """Hourly presence in the perimeter zones, broken down by home zone (with its distance)."""
    rng = np.random.default_rng(spec.seed + 7)
    axis = TimeAxis.build(spec.start, spec.days, spec.tz, spec.subdiv)
    shape = axis.shape() * 24
    ids = spec.zones.ids()
    xy = spec.zones.centroids()
    frames = []
    for z in range(spec.zones.perimeter):
        dist = np.hypot(*(xy - xy[z]).T) / 1000
        nearest = np.argsort(dist)[:origins_per_zone]
        for o in nearest:
            lam = 300 * math.exp(-dist[o] / 3) * shape
            frames.append(
                pd.DataFrame(
                    {
                        "zone_id": ids[z],
                        "ts_utc": pd.to_datetime(axis.ts_utc, utc=True),
                        "local_date": axis.local_date.astype("datetime64[s]").astype(object),
                        "local_hour": axis.local_hour,
                        "origin_zone": ids[o],
                        "origin_distance_km": round(float(dist[o]), 3),
                        "count": rng.poisson(lam),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out["local_date"] = pd.to_datetime(out["local_date"]).dt.date
    return out
