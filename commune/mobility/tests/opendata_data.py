"""A town whose open data is full of small cells, imported through the real importers (CSV and
GeoJSON files, as a town would upload them), and the true underlying cells it was made from.

Counts: four sites from tiny (about 20 a day, every hour below k) to large (about 5,500 a day,
whose quietest hours hover around k), hourly, 1 January to 3 March 2026 (local dates), with one
day of gaps where a site's daily total is a single hour.
Origin-destination trips: five zones, one row per pair and day, many pairs with a few trips a
day, the outside pairs crossing the perimeter through Z000. Presence: the two perimeter zones by
home distance class and dwell class, one row per day (the same people in catchment and dwell),
Z001 about thirty times quieter than Z000.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analytics import synthetic
from commune.mobility import warehouse
from commune.mobility.models import MobilitySettings
from commune.tenants.scoping import scope

ZURICH = ZoneInfo("Europe/Zurich")
START = dt.date(2026, 1, 1)
DAYS = 62  # to 3 March: January and February are complete, and so is Sunday 1 March
TODAY = dt.date(2026, 3, 10)  # everything up to Sunday 1 March is due
GAP_DAY = dt.date(2026, 1, 20)
K = 20
SITES = [  # id, name, daily mean, LV95 position
    ("S0", "Chemin tranquille", 20.0, (2540600.0, 1151100.0)),
    ("S1", "Avenue moyenne", 935.0, (2540700.0, 1151200.0)),
    ("S2", "Rue des Écoles", 369.0, (2540800.0, 1151300.0)),
    ("S3", "Route cantonale", 5500.0, (2540900.0, 1151400.0)),
]
ZONES = synthetic.ZonesSpec(n_zones=5, perimeter=2, centre=(2540800.0, 1151200.0))
PERIMETER = ["Z000", "Z001"]
ORIGIN_CLASSES = {"0-1": 0.0, "1-5": 1.0, "5-10": 5.0, "10-20": 10.0, "20+": 20.0}
DWELL_CLASSES = {"0-15": 0.0, "15-30": 15.0, "240+": 240.0}


@dataclass
class Truth:
    """The true underlying cells: what the attacker solves for."""

    counts: pd.DataFrame  # site_id, hour_utc, local_date, local_hour, iso_weekday, volume
    od: pd.DataFrame  # origin, destination, via, local_date, trips
    presence: pd.DataFrame  # zone_id, band_km, local_date, count
    dwell: pd.DataFrame  # zone_id, band_min, local_date, count
    perimeter: list[str]
    k: int = K


def _axis():
    return synthetic.TimeAxis.build(START, DAYS, "Europe/Zurich", "VD")


def _counts(rng) -> pd.DataFrame:
    axis = _axis()
    shape = axis.shape()
    frames = []
    for site_id, _name, mean, _position in SITES:
        frames.append(
            pd.DataFrame(
                {
                    "site_id": site_id,
                    "hour_utc": pd.to_datetime(axis.ts_utc, utc=True),
                    "local_date": pd.to_datetime(axis.local_date).date,
                    "local_hour": axis.local_hour.astype(int),
                    "volume": rng.poisson(mean * shape),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["iso_weekday"] = [d.isoweekday() for d in out.local_date]
    # gaps: on GAP_DAY, S3 counts only at 08:00 and S1, S2 miss 08:00; so that hour of the
    # week's profile is S0 + S3, and S3's daily total is its 08:00
    gap = out.local_date == GAP_DAY
    drop = gap & (
        ((out.site_id == "S3") & (out.local_hour != 8))
        | (out.site_id.isin(["S1", "S2"]) & (out.local_hour == 8))
    )
    return out[~drop].reset_index(drop=True)


def _days() -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(DAYS)]


def _od(rng) -> pd.DataFrame:
    ids = ZONES.ids()
    inside = set(PERIMETER)
    rows = []
    for i, origin in enumerate(ids):
        for j, destination in enumerate(ids):
            mean = 0.4 + ((i * 5 + j) * 0.618 % 1) * 9  # 0.4 to 9.4 trips a day
            via = "Z000" if origin not in inside and destination not in inside else ""
            for day in _days():
                factor = 0.6 if day.isoweekday() >= 6 else 1.0
                rows.append((origin, destination, via, day, int(rng.poisson(mean * factor))))
    return pd.DataFrame(rows, columns=["origin", "destination", "via", "local_date", "trips"])


def _presence_rows(rng) -> pd.DataFrame:
    rows = []
    for z, zone in enumerate(PERIMETER):
        for o, origin in enumerate(ORIGIN_CLASSES):
            for d, dwell in enumerate(DWELL_CLASSES):
                mean = 0.3 + ((z * 15 + o * 3 + d) * 0.618 % 1) * 2.7
                mean *= 0.03 if zone == "Z001" else 1.0  # a quiet zone: a week's total below k
                for day in _days():
                    rows.append((zone, day, origin, dwell, int(rng.poisson(mean))))
    return pd.DataFrame(rows, columns=["zone_id", "local_date", "origin", "dwell", "count"])


def _noon(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=ZURICH).isoformat()


def truth_and_files(folder: Path, *, seed: int = 7) -> tuple[Truth, dict[str, Path]]:
    """Generate the data, write it as the files a town would upload, return both."""
    rng = np.random.default_rng(seed)
    counts, od, presence_rows = _counts(rng), _od(rng), _presence_rows(rng)
    files = {
        "zones": folder / "zones.geojson",
        "sites": folder / "sites.csv",
        "counts": folder / "counts.csv",
        "network_od": folder / "od.csv",
        "network_presence": folder / "presence.csv",
    }
    files["zones"].write_text(json.dumps(ZONES.geojson()))
    files["sites"].write_text(
        "id,name,kind,e,n\n"
        + "".join(f"{sid},{name},counter,{e},{n}\n" for sid, name, _m, (e, n) in SITES)
    )
    stamps = counts.hour_utc.map(lambda t: t.isoformat())
    pd.DataFrame({"site_id": counts.site_id, "timestamp": stamps, "count": counts.volume}).to_csv(
        files["counts"], index=False
    )
    pd.DataFrame(
        {
            "origin": od.origin,
            "destination": od.destination,
            "via": od.via,
            "timestamp": od.local_date.map(_noon),
            "trips": od.trips,
        }
    ).to_csv(files["network_od"], index=False)
    pd.DataFrame(
        {
            "zone_id": presence_rows.zone_id,
            "timestamp": presence_rows.local_date.map(_noon),
            "count": presence_rows["count"],
            "origin_class": presence_rows.origin,
            "dwell_class": presence_rows.dwell,
        }
    ).to_csv(files["network_presence"], index=False)
    presence = (
        presence_rows.assign(band_km=presence_rows.origin.map(ORIGIN_CLASSES))
        .groupby(["zone_id", "band_km", "local_date"], as_index=False)["count"]
        .sum()
    )
    dwell = (
        presence_rows.assign(band_min=presence_rows.dwell.map(DWELL_CLASSES))
        .groupby(["zone_id", "band_min", "local_date"], as_index=False)["count"]
        .sum()
    )
    truth = Truth(counts=counts, od=od, presence=presence, dwell=dwell, perimeter=PERIMETER)
    return truth, files


def import_town(town, folder: Path, *, seed: int = 7) -> Truth:
    """Import the small-cells data into `town` through the pipeline's importers."""
    truth, files = truth_and_files(folder, seed=seed)
    for kind in ("zones", "sites", "counts", "network_od", "network_presence"):
        report = warehouse.import_file(municipality=town, kind=kind, path=files[kind])
        assert not report.quarantine, (kind, report.quarantine[:3])
    with scope(town):
        MobilitySettings.objects.update_or_create(
            municipality=town, defaults={"perimeter_zones": PERIMETER, "k_anonymity": K}
        )
    return truth


def publish(town, *, today: dt.date = TODAY) -> list:
    """Publish every period of `town` that is due on `today` (the hourly job's work)."""
    from commune.mobility.services.opendata import opendata_publish

    with scope(town):
        return opendata_publish(municipality=town, today=today)
