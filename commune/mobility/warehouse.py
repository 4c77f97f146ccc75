"""The web side's only door into `analytics/`: every function takes the municipality and passes
its id to the pipeline, so a town only ever reads and writes its own Parquet folder.

The warehouse root is settings.WAREHOUSE_DIR; a town's data lives in WAREHOUSE_DIR/<pk>/.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from django.conf import settings

from commune.tenants.models import Municipality

# kind of DataImport → (analytics module, function): f(path, *, root, municipality_id, ...)
# -> ImportReport; the other keywords (tz, options, service_date…) differ per importer.
IMPORTERS: dict[str, tuple[str, str]] = {
    "counts": ("analytics.ingest.counts", "import_counts"),
    "sites": ("analytics.ingest.sites", "import_sites"),
    "network_presence": ("analytics.ingest.network", "import_presence"),
    "network_od": ("analytics.ingest.network", "import_od"),
    "zones": ("analytics.ingest.network", "import_zones"),
    "gtfs": ("analytics.ingest.gtfs", "import_gtfs"),
}

Progress = Callable[[int], None]


class ImporterUnavailable(RuntimeError):
    """The pipeline has no importer for this kind of file (yet)."""


def warehouse_root() -> Path:
    return Path(settings.WAREHOUSE_DIR)


def town_folder(*, municipality: Municipality) -> Path:
    """Where the town's Parquet datasets live."""
    return warehouse_root() / str(municipality.pk)


def format_error_class() -> type[Exception]:
    """The exception the pipeline raises for a file that is not in the expected format."""
    from analytics.ingest.report import ImportFormatError

    return ImportFormatError


def _importer(kind: str) -> Callable:
    try:
        module_name, function_name = IMPORTERS[kind]
    except KeyError:
        raise ImporterUnavailable(f"no importer for {kind!r}") from None
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ImporterUnavailable(f"no importer for {kind!r} yet ({module_name})") from None
    function = getattr(module, function_name, None)
    if function is None:
        raise ImporterUnavailable(f"no importer for {kind!r} yet ({module_name}.{function_name})")
    return function


def _call_kwargs(function: Callable, *, given: dict, options: dict) -> dict:
    """The keyword arguments `function` accepts: those of `given` it names, plus `options` —
    as one `options` argument, or spread over its own keywords (e.g. GTFS's service_date)."""
    params = inspect.signature(function).parameters
    kwargs = {name: value for name, value in given.items() if name in params}
    if "options" in params:
        kwargs["options"] = options
        return kwargs
    unknown = sorted(set(options) - set(params) - set(given))
    if unknown:
        raise ValueError(f"unknown options for this kind of file: {', '.join(unknown)}")
    for name, value in options.items():
        if name.endswith("_date") and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        kwargs[name] = value
    return kwargs


def town_site_ids(*, municipality: Municipality) -> list[str] | None:
    """The ids of the town's counting sites (imported site metadata), None when it has none:
    counts for another site id then go to the quarantine as an unknown site."""
    from analytics.ingest.sites import known_site_ids

    ids = known_site_ids(warehouse_root(), municipality.pk)
    return None if ids is None else sorted(ids)


def import_file(
    *,
    municipality: Municipality,
    kind: str,
    path: Path,
    tz: str = "Europe/Zurich",
    options: dict | None = None,
    known_sites: list[str] | None = None,
    progress: Progress | None = None,
):
    """Run the pipeline's importer for `kind` on `path` into the town's folder and return its
    ImportReport. Counts are checked against the town's sites when it has imported some.
    Raises the pipeline's ImportFormatError for a file in the wrong format, and
    ValueError for options the importer does not know."""
    function = _importer(kind)
    given = {"root": warehouse_root(), "municipality_id": municipality.pk, "tz": tz}
    if known_sites is None and kind == "counts":
        known_sites = town_site_ids(municipality=municipality)
    if known_sites is not None:
        given["known_sites"] = known_sites
    if progress is not None:
        given["progress"] = progress
    kwargs = _call_kwargs(function, given=given, options=dict(options or {}))
    return function(Path(path), **kwargs)


def evaluate_intervention(
    *,
    municipality: Municipality,
    treated: list[str],
    control: list[str],
    intervention: dt.date,
    before_days: int,
    after_days: int,
) -> dict:
    """Difference-in-differences effect of an intervention on the town's counting sites
    (analytics.evaluation), with the town's canton for public holidays. Raises ValueError for
    sites without data and FileNotFoundError when the town has no counts yet."""
    from analytics.engines import duckdb_backend
    from analytics.evaluation import evaluate
    from analytics.indicators import hourly_volume

    store = duckdb_backend(warehouse_root())
    counts = store.table(municipality.pk, "counts")
    hourly = store.execute(
        hourly_volume(
            counts,
            start=intervention - dt.timedelta(days=before_days),
            end=intervention + dt.timedelta(days=after_days),
            sites=list(treated) + list(control),
        )
    )
    return evaluate(
        hourly,
        treated=list(treated),
        control=list(control),
        intervention=intervention,
        before_days=before_days,
        after_days=after_days,
        subdiv=municipality.canton,
    )


def readings_last_exported(*, municipality: Municipality):
    """The latest measurement instant already in the town's warehouse (None: none yet)."""
    from analytics.ingest.readings import last_stored

    last = last_stored(warehouse_root(), municipality.pk)
    return None if last is None else last.to_pydatetime()


def readings_store(*, municipality: Municipality, rows) -> int:
    """Merge sensor readings (sensor_id, kind, capacity, ts_utc, value) into the town's
    `readings` dataset; returns the rows inserted or replaced (0 when nothing changed)."""
    from analytics.ingest.readings import store_readings

    merged = store_readings(
        rows, root=warehouse_root(), municipality_id=municipality.pk, tz=settings.TIME_ZONE
    )
    return merged.inserted + merged.replaced


# --- the observatory's indicators (read side) ------------------------------------------------


def _store():
    from analytics.engines import duckdb_backend

    return duckdb_backend(warehouse_root(), threads=2)


def _table_or_none(store, municipality: Municipality, dataset: str):
    try:
        return store.table(municipality.pk, dataset)
    except FileNotFoundError:
        return None


def observatory_catalogue(*, municipality: Municipality) -> dict:
    """What the town's warehouse holds: counting sites (with positions when known), modes,
    zones, and the first and last local date of the counts (None when there are none)."""
    import pandas as pd

    store = _store()
    out = {"sites": pd.DataFrame(), "modes": [], "zones": pd.DataFrame(), "first": None}
    out["last"] = None
    counts = _table_or_none(store, municipality, "counts")
    if counts is not None:
        ids = store.execute(counts.group_by(["site_id", "mode"]).agg(rows=counts.count()))
        out["modes"] = sorted(set(ids["mode"]))
        span = store.execute(
            counts.aggregate(first=counts.local_date.min(), last=counts.local_date.max())
        )
        out["first"], out["last"] = (
            pd.Timestamp(span["first"][0]).date(),
            pd.Timestamp(span["last"][0]).date(),
        )
        sites = pd.DataFrame({"site_id": sorted(set(ids.site_id))})
        meta = _table_or_none(store, municipality, "sites")
        if meta is not None:
            sites = sites.merge(store.execute(meta), on="site_id", how="left")
        for column in ("name", "kind", "lat", "lon"):
            if column not in sites:
                sites[column] = None
        sites["name"] = sites["name"].fillna(sites.site_id)
        out["sites"] = sites
    zones = _table_or_none(store, municipality, "zones")
    if zones is not None:
        out["zones"] = store.execute(zones).sort_values("zone_id").reset_index(drop=True)
    return out


def observatory_indicators(
    *,
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    modes: list[str] | None,
    sites: list[str] | None,
    perimeter: list[str],
) -> dict:
    """The internal (unsuppressed) indicators of the observatory page for local dates in
    [start, end): daily volumes, weekday x hour profile, data quality, OD matrix, traffic
    typology of `perimeter`, the catchment of its visitors and the car parks' occupancy per hour.
    A dataset the town has not imported gives None."""
    from analytics import indicators

    store = _store()
    kw = {"start": start, "end": end}
    names = ("daily", "profile", "quality", "od", "typology", "catchment", "occupancy", "dwell")
    out: dict = dict.fromkeys(names)
    counts = _table_or_none(store, municipality, "counts")
    if counts is not None:
        daily = store.execute(indicators.daily_volume(counts, modes=modes, sites=sites, **kw))
        out["daily"] = daily.sort_values(["site_id", "local_date"]).reset_index(drop=True)
        p = indicators.weekday_hour_profile(counts, modes=modes, sites=sites, **kw)
        p = p.group_by(["iso_weekday", "local_hour"]).agg(mean_volume=p.mean_volume.sum())
        out["profile"] = store.execute(p).sort_values(["iso_weekday", "local_hour"])
        filtered = counts if sites is None else counts.filter(counts.site_id.isin(sites))
        if modes is not None:
            filtered = filtered.filter(filtered["mode"].isin(modes))
        out["quality"] = store.execute(indicators.missing_hours(filtered, **kw)).sort_values(
            "site_id"
        )
    od = _table_or_none(store, municipality, "od")
    if od is not None:
        out["od"] = store.execute(indicators.od_matrix(od, **kw))
        if perimeter:
            out["typology"] = store.execute(indicators.traffic_typology(od, perimeter, **kw))
    presence = _table_or_none(store, municipality, "presence")
    if presence is not None:
        zones = perimeter or None
        out["catchment"] = store.execute(indicators.catchment(presence, zones=zones, **kw))
        out["catchment"] = out["catchment"].sort_values("band_km").reset_index(drop=True)
    dwell = _table_or_none(store, municipality, "dwell")
    if dwell is not None:
        found = store.execute(indicators.dwell_time(dwell, zones=perimeter or None, **kw))
        out["dwell"] = found.sort_values(["zone_id", "band_min"]).reset_index(drop=True)
    readings = _table_or_none(store, municipality, "readings")
    if readings is not None:
        occupancy = store.execute(indicators.parking_occupancy(readings, **kw))
        out["occupancy"] = occupancy.sort_values(["sensor_id", "local_hour"]).reset_index(drop=True)
    return out


def publish_suppressed(indicators_: dict, *, k: int) -> dict:
    """The open-data version of `observatory_indicators`' result (analytics.privacy): no cell
    or total from fewer than `k`, and secondary suppression wherever a published total would
    let a hidden cell be recovered by subtraction. Hidden values are None; shares are only
    given where the value and its total are both published."""
    import pandas as pd

    from analytics import privacy

    out = dict(indicators_)
    daily = indicators_.get("daily")
    if daily is not None and not daily.empty:
        published = privacy.suppress_long(
            daily, row="site_id", column="local_date", value="volume", k=k
        )
        out["daily"] = _long(published, "site_id", "local_date", "volume")
        out["site_totals"] = published.row_totals
    profile = indicators_.get("profile")
    if profile is not None:
        out["profile"] = privacy.suppress_small(profile, value="mean_volume", k=k)
    od = indicators_.get("od")
    if od is not None and not od.empty:
        published = privacy.suppress_long(
            od, row="origin", column="destination", value="trips", k=k
        )
        out["od"] = _long(published, "origin", "destination", "trips")
        out["od_out"], out["od_in"] = published.row_totals, published.column_totals
    dwell = indicators_.get("dwell")
    if dwell is not None and not dwell.empty:
        published = privacy.suppress_long(
            dwell, row="zone_id", column="band_min", value="persons", k=k
        )
        frame = _long(published, "zone_id", "band_min", "persons")
        totals = frame.zone_id.map(published.row_totals)
        frame["share"] = [
            None if pd.isna(v) or pd.isna(t) or not t else float(v) / float(t)
            for v, t in zip(frame.persons, totals, strict=True)
        ]
        out["dwell"] = frame
    for name, label in (("typology", "typology"), ("catchment", "band_km")):
        frame = indicators_.get(name)
        if frame is None or frame.empty:
            continue
        value = "trips" if name == "typology" else "presence"
        matrix = pd.DataFrame([frame[value].to_numpy()], columns=frame[label].to_numpy())
        published = privacy.suppress(matrix, k=k)
        total = published.grand_total
        cells = published.values.iloc[0]
        out[name] = pd.DataFrame(
            {
                label: frame[label].to_numpy(),
                value: [None if pd.isna(v) else int(v) for v in cells],
                "share": [None if pd.isna(v) or total is None else float(v) / total for v in cells],
            }
        )
    return out


def _long(published, row: str, column: str, value: str):
    records = published.to_records()
    import pandas as pd

    frame = pd.DataFrame(records).rename(columns={"row": row, "column": column, "value": value})
    return frame


# --- demo data: a year of synthetic counts, presence and OD flows -----------------------------


def demo_observatory_write(
    *,
    municipality: Municipality,
    sites: list[dict],
    start: dt.date,
    days: int,
    zones_centre: tuple[float, float],
    n_zones: int = 12,
    perimeter: int = 4,
    effect_sites: list[str] | None = None,
    effect_date: dt.date | None = None,
    effect_change: float = -0.15,
    seed: int = 1,
) -> bool:
    """Write synthetic observatory data (analytics.synthetic) into the town's folder: hourly
    counts for `sites` (dicts with site_id, name, kind, e, n), zones, presence with home
    origins and hourly OD trips. Skips (returns False) when the town already has counts."""
    import tempfile

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analytics import synthetic
    from analytics.engines import dataset_dir
    from analytics.geo import lv95_to_wgs84
    from analytics.ingest.network import PRESENCE_SCHEMA, import_zones
    from analytics.ingest.sites import store_sites

    root, town_id = warehouse_root(), municipality.pk
    counts_dir = dataset_dir(root, town_id, "counts")
    if counts_dir.is_dir() and any(counts_dir.glob("*.parquet")):
        return False
    effect = None
    if effect_sites and effect_date:
        effect = synthetic.Effect(sites=effect_sites, start=effect_date, change=effect_change)
    ids = [s["site_id"] for s in sites]
    spec = synthetic.CountsSpec(
        site_ids=ids, start=start, days=days, subdiv=municipality.canton, seed=seed, effect=effect
    )
    zones = synthetic.ZonesSpec(n_zones=n_zones, perimeter=perimeter, centre=zones_centre)
    flows = synthetic.FlowSpec(zones=zones, start=start, days=days, subdiv=municipality.canton)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "zones.geojson"
        import json

        path.write_text(json.dumps(zones.geojson()))
        import_zones(path, root=root, municipality_id=town_id)
    synthetic.write_od(dataset_dir(root, town_id, "od"), flows)
    presence = synthetic.presence_frame(flows)
    presence_dir = dataset_dir(root, town_id, "presence")
    presence_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pandas(
            presence[PRESENCE_SCHEMA.names], schema=PRESENCE_SCHEMA, preserve_index=False
        ),
        presence_dir / "part-00000.parquet",
        compression="zstd",
    )
    meta = pd.DataFrame(sites)
    latlon = [lv95_to_wgs84(e, n) for e, n in zip(meta.e, meta.n, strict=True)]
    meta["lat"], meta["lon"] = [p[0] for p in latlon], [p[1] for p in latlon]
    store_sites(root, town_id, meta)  # the same dataset as analytics.ingest.sites.import_sites
    synthetic.write_counts(counts_dir, spec)  # last: its presence marks the demo as written
    return True


def catchment_bands_km() -> tuple[float, ...]:
    """The upper bounds (km) of the catchment's distance bands, nearest first."""
    from analytics.indicators import CATCHMENT_BANDS_KM

    return tuple(CATCHMENT_BANDS_KM)


def dwell_bands_min() -> tuple[float, ...]:
    """The lower bounds (minutes) of the dwell-time bands after the first, shortest first."""
    from analytics.indicators import DWELL_BANDS_MIN

    return tuple(DWELL_BANDS_MIN)
