"""Demo data: a year of synthetic counts, presence and OD flows for a town."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics import synthetic
from analytics.engines import dataset_dir
from analytics.geo import lv95_to_wgs84
from analytics.ingest.network import PRESENCE_SCHEMA, import_zones
from analytics.ingest.sites import store_sites
from commune.tenants.models import Municipality

from .ingest import rollups_refresh, warehouse_root


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
    synthetic.write_counts(counts_dir, spec)  # its presence marks the demo as written
    rollups_refresh(municipality=municipality)
    return True
