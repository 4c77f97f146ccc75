"""A demo loaded before zones had names keeps "Z000 (no name)" no more: loading the demo again
names the demo's zones that have none, never a zone a town named, and a second load changes
nothing (issue 9)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from analytics import synthetic
from commune.mobility import demo, warehouse

from .test_observatory import write_data


def _zones_file(town):
    return warehouse.town_folder(municipality=town) / "zones" / "zones.parquet"


def test_loading_the_demo_again_names_its_unnamed_zones(town_a):
    # given a demo town whose zones were stored without names (before names existed), one of
    # them named by the town since, and a zone of the town's own
    write_data(town_a, days=14)
    path = _zones_file(town_a)
    zones = pq.read_table(path).to_pandas()
    zones["name"] = zones.zone_id  # the importer kept the id
    zones.loc[zones.zone_id == "Z001", "name"] = None
    zones.loc[zones.zone_id == "Z002", "name"] = "Notre centre"
    extra = zones[zones.zone_id == "Z003"].assign(zone_id="X9", name="X9")
    zones = pd.concat([zones, extra], ignore_index=True)
    zones.to_parquet(path, index=False)
    # when the demo is loaded again
    write_data(town_a, days=14)
    # then the demo's zones have the demo's names, the town's name and zone are kept
    spec = demo.OBSERVATORY_SITES["pully"]
    zones_spec = synthetic.ZonesSpec(n_zones=12, perimeter=4, centre=spec["centre"])
    expected = dict(zip(zones_spec.ids(), zones_spec.names(), strict=True))
    named = dict(pq.read_table(path).to_pandas()[["zone_id", "name"]].itertuples(index=False))
    assert named["Z000"] == expected["Z000"] and named["Z001"] == expected["Z001"]
    assert named["Z000"] != "Z000"
    assert named["Z002"] == "Notre centre"
    assert named["X9"] == "X9"
    assert all(named[z] == expected[z] for z in expected if z != "Z002")
    # and a third load changes nothing
    before = path.stat().st_mtime_ns, path.stat().st_ino
    write_data(town_a, days=14)
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
