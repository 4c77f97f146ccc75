"""Mobile-network zones, presence and OD importers; the GTFS importer on a real timetable."""

import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from analytics import synthetic
from analytics.engines import dataset_dir, duckdb_backend
from analytics.indicators import catchment, pt_supply, traffic_typology
from analytics.ingest import ImportFormatError
from analytics.ingest.gtfs import import_gtfs
from analytics.ingest.network import import_od, import_presence, import_zones

CAIRNS = Path(__file__).parent / "data" / "cairns_gtfs.zip"


def zones_file(tmp_path, n=4):
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(synthetic.ZonesSpec(n_zones=n, perimeter=1).geojson()))
    return path


def test_zones_presence_and_od_import_and_feed_the_indicators(tmp_path):
    # given zones, presence with a home origin and OD trips with a through trip
    import_zones(zones_file(tmp_path), root=tmp_path, municipality_id=3)
    presence = tmp_path / "presence.csv"
    presence.write_text(
        "zone_id,timestamp,origin_zone,count\n"
        "Z000,2024-05-02T08:00+02:00,Z000,40\n"
        "Z000,2024-05-02T08:00+02:00,Z003,25\n"
        "Z000,2024-05-02T09:00+02:00,Z003,-2\n"
        "Q999,2024-05-02T09:00+02:00,Z003,5\n"
    )
    od = tmp_path / "od.csv"
    od.write_text(
        "origin,destination,via,timestamp,trips\n"
        "Z000,Z000,,2024-05-02 08:00,10\n"
        "Z000,Z001,,2024-05-02 08:00,30\n"
        "Z002,Z003,Z000,2024-05-02 08:00,60\n"
        "Z002,Z003,,2024-05-02 08:00,500\n"
    )
    # when imported
    p = import_presence(presence, root=tmp_path, municipality_id=3)
    o = import_od(od, root=tmp_path, municipality_id=3)
    again = import_od(od, root=tmp_path, municipality_id=3)
    # then bad rows are quarantined, re-import changes nothing, indicators read the store
    assert p.rows_imported == 2
    assert [q.reason for q in p.quarantine] == [
        "count is negative",
        "unknown zone in zone_id: Q999",
    ]
    assert (o.rows_imported, again.rows_imported, again.rows_unchanged) == (4, 0, 4)
    w = duckdb_backend(tmp_path)
    typology = w.execute(traffic_typology(w.table(3, "od"), ["Z000"])).set_index("typology")
    assert typology.trips.to_dict() == {"internal": 10, "exchange": 30, "through": 60}
    bands = w.execute(catchment(w.table(3, "presence"))).set_index("band_km")
    assert bands.presence.to_dict() == {0.0: 40, 1.0: 25}  # Z003 is a neighbour, 1 km away


def test_presence_and_trips_beyond_what_the_column_stores_are_quarantined(tmp_path):
    # given: a presence count and a number of trips past 64 bits, beside good rows
    import_zones(zones_file(tmp_path), root=tmp_path, municipality_id=3)
    presence = tmp_path / "presence.csv"
    presence.write_text(
        "zone_id,timestamp,origin_zone,count\n"
        "Z000,2024-05-02T08:00+02:00,Z000,99999999999999999999\n"
        "Z000,2024-05-02T08:00+02:00,Z003,25\n"
    )
    od = tmp_path / "od.csv"
    od.write_text(
        "origin,destination,timestamp,trips\n"
        "Z000,Z001,2024-05-02 08:00,30\n"
        "Z001,Z000,2024-05-02 08:00,18446744073709551616\n"
    )
    # when
    p = import_presence(presence, root=tmp_path, municipality_id=3)
    o = import_od(od, root=tmp_path, municipality_id=3)
    # then: the good rows stored as they were, the others in the quarantine with why
    w = duckdb_backend(tmp_path)
    assert w.execute(w.table(3, "presence"))["count"].tolist() == [25]
    assert w.execute(w.table(3, "od"))["trips"].tolist() == [30]
    assert [(q.line, q.reason) for q in p.quarantine] == [
        (2, "count is larger than 9223372036854775807")
    ]
    assert [(q.line, q.reason) for q in o.quarantine] == [
        (3, "trips is larger than 9223372036854775807")
    ]


def test_a_zones_file_with_a_broken_polygon_is_refused_whole(tmp_path):
    # given a bow-tie polygon among good zones
    data = synthetic.ZonesSpec(n_zones=3).geojson()
    ring = data["features"][1]["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(data))
    # when imported / then the zone and the reason are named, and nothing is stored
    with pytest.raises(
        ImportFormatError, match="zone Z001 is not a valid polygon: the ring crosses"
    ):
        import_zones(path, root=tmp_path, municipality_id=3)
    assert not (dataset_dir(tmp_path, 3, "zones") / "zones.parquet").exists()
    data["features"][1]["geometry"]["coordinates"][0] = ring[:3]
    path.write_text(json.dumps(data))
    with pytest.raises(ImportFormatError, match="at least 4 positions"):
        import_zones(path, root=tmp_path, municipality_id=3)


def test_gtfs_departures_per_stop_and_hour_on_a_real_timetable(tmp_path):
    # given the Cairns timetable; 9 June 2014 (a Monday) is a public holiday removed from the
    # weekday service in calendar_dates.txt
    weekday = import_gtfs(CAIRNS, root=tmp_path, municipality_id=5, service_date=date(2014, 6, 10))
    holiday = import_gtfs(CAIRNS, root=tmp_path, municipality_id=5, service_date=date(2014, 6, 9))
    again = import_gtfs(CAIRNS, root=tmp_path, municipality_id=5, service_date=date(2014, 6, 10))
    # then the holiday has far fewer departures, and re-import adds nothing
    assert weekday.rows_imported > 2 * holiday.rows_imported > 0
    assert again.rows_imported == 0 and again.rows_unchanged == weekday.rows_imported
    w = duckdb_backend(tmp_path)
    supply = w.execute(pt_supply(w.table(5, "departures"), service_date=date(2014, 6, 10)))
    assert supply.departures.sum() == weekday.rows_imported
    busiest = supply.sort_values("departures").iloc[-1]
    assert busiest.mean_headway_min == pytest.approx(60 / busiest.departures, rel=0.5)


def test_a_truncated_gtfs_zip_gives_a_clear_error(tmp_path):
    # given the zip cut in half, and a zip without stop_times.txt
    cut = tmp_path / "cut.zip"
    cut.write_bytes(CAIRNS.read_bytes()[: CAIRNS.stat().st_size // 2])
    with pytest.raises(ImportFormatError, match="not a readable GTFS zip"):
        import_gtfs(cut, root=tmp_path, municipality_id=5, service_date=date(2014, 6, 10))
    partial = tmp_path / "partial.zip"
    shutil.copy(CAIRNS, partial)
    with zipfile.ZipFile(CAIRNS) as src, zipfile.ZipFile(partial, "w") as dst:
        for name in src.namelist():
            if name != "stop_times.txt":
                dst.writestr(name, src.read(name))
    with pytest.raises(ImportFormatError, match="stop_times.txt is missing"):
        import_gtfs(partial, root=tmp_path, municipality_id=5, service_date=date(2014, 6, 10))
    assert not dataset_dir(tmp_path, 5, "departures").exists()
