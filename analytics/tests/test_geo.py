"""LV95 <-> WGS84 against published points and against a second reader: GDAL's own
`gdaltransform`, the library GeoDjango transforms with on the web side, over a grid that covers
Switzerland. Seen failing with swisstopo's approximate formulas (up to a metre off)."""

import itertools
import json
import subprocess

import pytest

from analytics.geo import lv95_to_wgs84, wgs84_to_lv95
from analytics.ingest import ImportFormatError
from analytics.ingest.network import parse_zones


def _seconds(degrees: int, minutes: int, seconds: float) -> float:
    return degrees + minutes / 60 + seconds / 3600


# swisstopo's worked example ("Approximate formulas for the transformation between Swiss
# projection coordinates and WGS84"): this position, given to 0.01", is E 2 700 000, N 1 100 000.
EXAMPLE_LV95 = (2_700_000.0, 1_100_000.0)
EXAMPLE_WGS84 = (_seconds(46, 2, 38.87), _seconds(8, 43, 49.79))
# LV95's origin, the old observatory of Bern, in WGS84 to 0.1".
ORIGIN_LV95 = (2_600_000.0, 1_200_000.0)
ORIGIN_WGS84 = (_seconds(46, 57, 3.9), _seconds(7, 26, 19.1))
ARCSECOND = 1 / 3600

# Every 20 km from Geneva to the Lower Engadine, from Chiasso to Schaffhausen, and Pully.
GRID_LV95 = [
    *itertools.product(range(2_490_000, 2_840_001, 20_000), range(1_070_000, 1_300_001, 20_000)),
    (2_540_563.5, 1_151_328.25),
]


def _gdal(points, source: str, target: str) -> list[tuple[float, float]]:
    """GDAL's answer for (x, y) points, x being the longitude in WGS84."""
    done = subprocess.run(
        ["gdaltransform", "-s_srs", source, "-t_srs", target, "-output_xy"],
        input="".join(f"{x!r} {y!r}\n" for x, y in points),
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(float(v) for v in line.split()) for line in done.stdout.splitlines()]


def test_swisstopos_worked_example_both_ways():
    lat, lon = lv95_to_wgs84(*EXAMPLE_LV95)
    assert abs(lat - EXAMPLE_WGS84[0]) < 0.006 * ARCSECOND
    assert abs(lon - EXAMPLE_WGS84[1]) < 0.006 * ARCSECOND
    e, n = wgs84_to_lv95(*EXAMPLE_WGS84)
    assert abs(e - EXAMPLE_LV95[0]) < 0.2 and abs(n - EXAMPLE_LV95[1]) < 0.2  # 0.005" is 0.15 m


def test_the_origin_of_lv95_is_the_old_observatory_of_bern():
    lat, lon = lv95_to_wgs84(*ORIGIN_LV95)
    assert abs(lat - ORIGIN_WGS84[0]) < 0.06 * ARCSECOND
    assert abs(lon - ORIGIN_WGS84[1]) < 0.06 * ARCSECOND


def test_lv95_to_wgs84_is_gdals_to_the_millimetre_across_switzerland():
    expected = _gdal(GRID_LV95, "EPSG:2056", "EPSG:4326")
    assert len(expected) == len(GRID_LV95) > 200
    for (e, n), (lon, lat) in zip(GRID_LV95, expected, strict=True):
        got = lv95_to_wgs84(e, n)
        assert abs(got[0] - lat) < 1e-8 and abs(got[1] - lon) < 1e-8, (e, n, got, (lat, lon))


def test_wgs84_to_lv95_is_gdals_to_the_millimetre_across_switzerland():
    positions = [(lon, lat) for lat, lon in (lv95_to_wgs84(e, n) for e, n in GRID_LV95)]
    expected = _gdal(positions, "EPSG:4326", "EPSG:2056")
    for (lon, lat), (e, n) in zip(positions, expected, strict=True):
        got = wgs84_to_lv95(lat, lon)
        assert abs(got[0] - e) < 0.001 and abs(got[1] - n) < 0.001, (lat, lon, got, (e, n))


def test_there_and_back_lands_within_two_millimetres():
    # PROJ's inverse of the projection is a series: about a millimetre off at the grid's corners
    for e, n in GRID_LV95:
        back = wgs84_to_lv95(*lv95_to_wgs84(e, n))
        assert abs(back[0] - e) < 0.002 and abs(back[1] - n) < 0.002


@pytest.mark.parametrize("lat, lon", [(91.0, 7.0), (float("nan"), 7.0), (46.5, float("inf"))])
def test_coordinates_that_are_no_position_are_refused(lat, lon):
    with pytest.raises(ValueError, match="no position"):
        wgs84_to_lv95(lat, lon)


def test_a_zone_with_no_position_is_named_in_the_import_error(tmp_path):
    # given: a zone whose ring has a latitude past the pole
    ring = [[6.6, 46.5], [6.7, 46.5], [6.7, 146.6], [6.6, 46.5]]
    path = tmp_path / "zones.geojson"
    geometry = {"type": "Polygon", "coordinates": [ring]}
    feature = {"type": "Feature", "id": "Z1", "geometry": geometry}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    # then
    with pytest.raises(ImportFormatError, match="zone Z1 has malformed coordinates"):
        parse_zones(path)
