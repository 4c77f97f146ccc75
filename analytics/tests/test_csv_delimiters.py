"""Every importer reads a file the same whatever its delimiter (untrusted.delimiters decides it
for all): commas, semicolons, tabs and pipes give the same rows. Before, the presence and OD
importers knew no pipe and read such a file as one column."""

import json

import pytest

from analytics import synthetic
from analytics.engines import duckdb_backend
from analytics.ingest.counts import import_counts
from analytics.ingest.network import import_od, import_presence, import_zones
from analytics.ingest.sites import import_sites, stored_sites

DELIMITERS = [",", ";", "\t", "|"]


def _write(tmp_path, name: str, rows: list[list[str]], delimiter: str):
    path = tmp_path / name
    path.write_text("".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _rows(tmp_path, dataset: str, columns: list[str]) -> list[tuple]:
    frame = duckdb_backend(tmp_path).table(7, dataset).execute()
    return sorted(tuple(row) for row in frame[columns].itertuples(index=False))


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_counts_are_read_the_same_whatever_the_delimiter(tmp_path, delimiter):
    rows = [["site_id", "timestamp", "count"], ["A", "2024-06-03T08:00+02:00", "12"]]
    rows.append(["A", "2024-06-03T09:00+02:00", "15"])
    report = import_counts(
        _write(tmp_path, "c.csv", rows, delimiter), root=tmp_path, municipality_id=7
    )
    assert report.rows_imported == 2
    assert [r[1] for r in _rows(tmp_path, "counts", ["site_id", "count"])] == [12, 15]


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_sites_are_read_the_same_whatever_the_delimiter(tmp_path, delimiter):
    rows = [
        ["id", "name", "kind", "e", "n"],
        ["P01", "Avenue du Prieuré", "loop", "2541050", "1151300"],
    ]
    report = import_sites(
        _write(tmp_path, "s.csv", rows, delimiter), root=tmp_path, municipality_id=7
    )
    assert report.rows_imported == 1
    assert stored_sites(tmp_path, 7).loc[0, "name"] == "Avenue du Prieuré"


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_presence_and_od_are_read_the_same_whatever_the_delimiter(tmp_path, delimiter):
    # given the town's zones
    zones = tmp_path / "zones.geojson"
    zones.write_text(json.dumps(synthetic.ZonesSpec(n_zones=4, perimeter=1).geojson()))
    import_zones(zones, root=tmp_path, municipality_id=7)
    presence = [["zone_id", "timestamp", "origin_zone", "count"]]
    presence.append(["Z000", "2024-05-02T08:00+02:00", "Z003", "25"])
    od = [["origin", "destination", "via", "timestamp", "trips"]]
    od.append(["Z002", "Z003", "Z000", "2024-05-02 08:00", "60"])
    # when both are imported
    p = import_presence(
        _write(tmp_path, "p.csv", presence, delimiter), root=tmp_path, municipality_id=7
    )
    o = import_od(_write(tmp_path, "o.csv", od, delimiter), root=tmp_path, municipality_id=7)
    # then
    assert (p.rows_imported, o.rows_imported) == (1, 1)
    assert _rows(tmp_path, "od", ["origin", "destination", "via"]) == [("Z002", "Z003", "Z000")]
