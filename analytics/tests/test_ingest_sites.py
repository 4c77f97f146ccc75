"""Site metadata importer: CSV (WGS84 or LV95) and GeoJSON points, idempotent, bad rows quarantined;
counts for unknown sites are quarantined once a town has sites."""

import json

import pytest

from analytics.geo import lv95_to_wgs84
from analytics.ingest import ImportFormatError
from analytics.ingest.counts import import_counts
from analytics.ingest.sites import import_sites, known_site_ids, stored_sites

PULLY_E, PULLY_N = 2541050.0, 1151300.0


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_lv95_and_wgs84_positions_stores_both_coordinate_pairs(tmp_path):
    # given one site in LV95 and one in WGS84
    lat, lon = lv95_to_wgs84(PULLY_E, PULLY_N)
    path = write(
        tmp_path,
        "sites.csv",
        "id,name,kind,lat,lon,e,n\n"
        f"P01,Avenue du Prieuré,loop,,,{PULLY_E},{PULLY_N}\n"
        f"P02,Rue de la Poste,radar,{lat:.7f},{lon:.7f},,\n",
    )
    # when
    report = import_sites(path, root=tmp_path, municipality_id=7)
    # then both rows carry e, n, lat and lon in the map's columns
    sites = stored_sites(tmp_path, 7).set_index("site_id")
    assert report.rows_imported == 2 and report.quarantine == []
    assert list(sites.reset_index().columns) == ["site_id", "name", "kind", "e", "n", "lat", "lon"]
    assert sites.loc["P01", "lat"] == pytest.approx(lat, abs=1e-6)
    assert sites.loc["P02", "e"] == pytest.approx(PULLY_E, abs=2)
    assert sites.loc["P02", "n"] == pytest.approx(PULLY_N, abs=2)
    assert sites.loc["P01", "name"] == "Avenue du Prieuré"


def test_same_file_twice_changes_nothing_and_a_changed_name_replaces(tmp_path):
    # given an imported file
    text = f"site_id;name;kind;e;n\nA;Old name;counter;{PULLY_E};{PULLY_N}\n"
    path = write(tmp_path, "sites.csv", text)
    import_sites(path, root=tmp_path, municipality_id=7)
    stored_file = tmp_path / "7" / "sites" / "sites.parquet"
    mtime = stored_file.stat().st_mtime_ns
    # when the same file comes again
    again = import_sites(path, root=tmp_path, municipality_id=7)
    # then nothing changes, the file is not rewritten
    assert (again.rows_imported, again.rows_replaced, again.rows_unchanged) == (0, 0, 1)
    assert stored_file.stat().st_mtime_ns == mtime
    # when the name changes
    write(tmp_path, "sites.csv", text.replace("Old name", "New name"))
    changed = import_sites(path, root=tmp_path, municipality_id=7)
    # then the row is replaced, not duplicated
    assert (changed.rows_imported, changed.rows_replaced) == (0, 1)
    assert stored_sites(tmp_path, 7)[["site_id", "name"]].values.tolist() == [["A", "New name"]]


def test_bad_rows_are_quarantined_with_their_line_and_the_rest_imported(tmp_path):
    # given a missing id, a position in Paris, an LV95 point outside the range, an unknown kind
    path = write(
        tmp_path,
        "sites.csv",
        "id,name,kind,lat,lon\n"
        "A,Good,camera,46.51,6.66\n"
        ",No id,counter,46.51,6.66\n"
        "B,Paris,counter,48.8566,2.3522\n"
        "C,Sea,submarine,46.51,6.66\n"
        "D,No position,counter,,\n",
    )
    # when
    report = import_sites(path, root=tmp_path, municipality_id=7)
    # then
    reasons = {q.line: q.reason for q in report.quarantine}
    assert sorted(reasons) == [3, 4, 5, 6]
    assert "missing" in reasons[3]
    assert "outside Switzerland" in reasons[4]
    assert "unknown kind submarine" in reasons[5]
    assert "position missing" in reasons[6]
    assert list(stored_sites(tmp_path, 7).site_id) == ["A"]


def test_geojson_points_are_imported_and_a_polygon_is_quarantined(tmp_path):
    # given a FeatureCollection with a WGS84 point, an LV95 point and a polygon
    features = [
        {
            "type": "Feature",
            "id": "G1",
            "properties": {"name": "Quai", "kind": "bicycle"},
            "geometry": {"type": "Point", "coordinates": [6.66, 46.51]},
        },
        {
            "type": "Feature",
            "properties": {"site_id": "G2", "name": "Gare"},
            "geometry": {"type": "Point", "coordinates": [PULLY_E, PULLY_N]},
        },
        {
            "type": "Feature",
            "properties": {"site_id": "G3"},
            "geometry": {"type": "Polygon", "coordinates": []},
        },
    ]
    path = write(
        tmp_path, "sites.geojson", json.dumps({"type": "FeatureCollection", "features": features})
    )
    # when
    report = import_sites(path, root=tmp_path, municipality_id=7)
    # then
    sites = stored_sites(tmp_path, 7).set_index("site_id")
    assert sorted(sites.index) == ["G1", "G2"]
    assert sites.loc["G1", "kind"] == "bicycle" and sites.loc["G2", "kind"] == "counter"
    assert sites.loc["G2", "e"] == pytest.approx(PULLY_E)
    assert sites.loc["G1", "e"] == pytest.approx(2540000, abs=3000)
    assert [(q.line, "not a Point" in q.reason) for q in report.quarantine] == [(3, True)]


def test_a_file_without_positions_is_refused_whole(tmp_path):
    # given a CSV with no coordinate columns
    path = write(tmp_path, "sites.csv", "id,name\nA,Somewhere\n")
    # when / then
    with pytest.raises(ImportFormatError, match="lat,lon"):
        import_sites(path, root=tmp_path, municipality_id=7)
    assert known_site_ids(tmp_path, 7) is None


def test_counts_for_an_unknown_site_go_to_quarantine_when_the_town_has_sites(tmp_path):
    # given a town with site A
    sites = write(tmp_path, "sites.csv", f"id,name,kind,e,n\nA,Here,loop,{PULLY_E},{PULLY_N}\n")
    import_sites(sites, root=tmp_path, municipality_id=7)
    counts = write(
        tmp_path,
        "counts.csv",
        "site_id,timestamp,count\nA,2024-05-02T08:00+02:00,5\nZ,2024-05-02T08:00+02:00,9\n",
    )
    # when counts come with the town's site ids as known sites
    report = import_counts(
        counts, root=tmp_path, municipality_id=7, known_sites=known_site_ids(tmp_path, 7)
    )
    # then site Z's row is quarantined as an unknown site
    assert report.rows_imported == 1
    assert [(q.line, q.reason) for q in report.quarantine] == [(3, "unknown site Z")]
