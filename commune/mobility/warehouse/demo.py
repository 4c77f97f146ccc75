"""Demo data: a year of synthetic counts, presence and OD flows for a town."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa

from analytics import synthetic
from analytics.engines import dataset_dir
from analytics.geo import lv95_to_wgs84
from analytics.ingest.counts import KEY as COUNTS_KEY
from analytics.ingest.counts import SCHEMA as COUNTS_SCHEMA
from analytics.ingest.network import (
    OD_KEY,
    OD_SCHEMA,
    PRESENCE_KEY,
    PRESENCE_SCHEMA,
    ZONES_SCHEMA,
    import_zones,
    stored_zones,
)
from analytics.ingest.sites import store_sites
from analytics.store import chunk_files_by_month, locked, merge_by_month, write_atomic
from commune.tenants.models import Municipality

from .engine import rollups_refresh
from .ingest import warehouse_root


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
    origins and hourly OD trips. Skips (returns False) when the town already has counts, after
    moving demo data written in chunk files (before the importers' layout) to that layout."""
    root, town_id = warehouse_root(), municipality.pk
    counts_dir = dataset_dir(root, town_id, "counts")
    zones = synthetic.ZonesSpec(n_zones=n_zones, perimeter=perimeter, centre=zones_centre)
    if counts_dir.is_dir() and any(counts_dir.glob("*.parquet")):
        _zone_names_filled(root, town_id, zones)
        if _former_layout_moved(root, town_id):
            rollups_refresh(municipality=municipality)
        return False
    effect = None
    if effect_sites and effect_date:
        effect = synthetic.Effect(sites=effect_sites, start=effect_date, change=effect_change)
    ids = [s["site_id"] for s in sites]
    spec = synthetic.CountsSpec(
        site_ids=ids, start=start, days=days, subdiv=municipality.canton, seed=seed, effect=effect
    )
    flows = synthetic.FlowSpec(zones=zones, start=start, days=days, subdiv=municipality.canton)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "zones.geojson"
        path.write_text(json.dumps(zones.geojson()))
        import_zones(path, root=root, municipality_id=town_id)
    # stored as the importers store them (analytics.store.merge_by_month), so that a town's
    # import of the same rows finds them
    od = synthetic.od_frame(flows)
    merge_by_month(dataset_dir(root, town_id, "od"), od, key=OD_KEY, schema=OD_SCHEMA)
    presence = synthetic.presence_frame(flows)
    merge_by_month(
        dataset_dir(root, town_id, "presence"),
        presence,
        key=PRESENCE_KEY,
        schema=PRESENCE_SCHEMA,
    )
    meta = pd.DataFrame(sites)
    latlon = [lv95_to_wgs84(e, n) for e, n in zip(meta.e, meta.n, strict=True)]
    meta["lat"], meta["lon"] = [p[0] for p in latlon], [p[1] for p in latlon]
    store_sites(root, town_id, meta)  # the same dataset as analytics.ingest.sites.import_sites
    counts = synthetic.counts_frame(spec)  # written last: its presence marks the demo written
    merge_by_month(counts_dir, counts, key=COUNTS_KEY, schema=COUNTS_SCHEMA)
    rollups_refresh(municipality=municipality)
    return True


def _zone_names_filled(root: Path, town_id: int, zones: synthetic.ZonesSpec) -> int:
    """The demo's names given to the demo's zones stored without one (a demo loaded before
    zones had names shows "Z000 (no name)"); a name the town set is never overwritten, nor
    a zone the demo does not know. Returns how many were named (0 the second time)."""
    stored = stored_zones(root, town_id)
    if stored is None or stored.empty:
        return 0
    demo_names = dict(zip(zones.ids(), zones.names(), strict=True))
    for column in ZONES_SCHEMA.names:  # a file older than one of the columns
        if column not in stored:
            stored[column] = None
    unnamed = stored.zone_id.isin(demo_names) & (
        stored.name.isna()
        | (stored.name.fillna("").str.strip() == "")
        | (stored.name == stored.zone_id)
    )
    if not unnamed.any():
        return 0
    stored.loc[unnamed, "name"] = stored.loc[unnamed, "zone_id"].map(demo_names)
    folder = dataset_dir(root, town_id, "zones")
    with locked(folder):
        table = pa.Table.from_pandas(stored, schema=ZONES_SCHEMA, preserve_index=False)
        write_atomic(table, folder / "zones.parquet")
    return int(unnamed.sum())


def _former_layout_moved(root: Path, town_id: int) -> bool:
    """Demo data once written in chunk files (part-NNNNN.parquet) moved to month partitions,
    where an import of the same rows finds them; True when there was any."""
    moved = 0
    for dataset, key, schema in (
        ("counts", COUNTS_KEY, COUNTS_SCHEMA),
        ("od", OD_KEY, OD_SCHEMA),
        ("presence", PRESENCE_KEY, PRESENCE_SCHEMA),
    ):
        moved += chunk_files_by_month(dataset_dir(root, town_id, dataset), key=key, schema=schema)
    return moved > 0
