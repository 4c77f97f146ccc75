"""Why a file or a row is refused is a code and its parameters, kept as JSON: the web side
writes it out in its reader's language; the pipeline only has English for logs."""

import json

import pytest

from analytics.ingest.counts import import_counts
from analytics.ingest.network import import_zones
from analytics.ingest.report import ENGLISH, ImportFormatError, ImportReport, describe


def test_a_quarantined_row_keeps_its_code_and_parameters_as_json(tmp_path):
    # given: counts with an unknown site, a bad count and a missing spring hour
    path = tmp_path / "counts.csv"
    path.write_text(
        "site_id,timestamp,count\n"
        "A,2026-03-29T01:00:00+01:00,3\n"
        "Z,2026-03-29T01:00:00+01:00,3\n"
        "A,2026-03-29T04:00:00+02:00,x\n"
        "A,2026-03-29 02:30,4\n"
    )
    # when
    report = import_counts(path, root=tmp_path / "w", municipality_id=1, known_sites={"A"})
    # then: codes and parameters, the same through JSON
    rows = [(q.line, q.code, q.params) for q in report.quarantine]
    assert rows == [
        (3, "unknown_site", {"site": "Z"}),
        (4, "value_not_number", {"column": "count", "value": "x"}),
        (5, "local_time_missing", {"tz": "Europe/Zurich"}),
    ]
    assert json.loads(json.dumps(report.to_dict()))["quarantine"][0]["params"] == {"site": "Z"}
    assert report.quarantine[0].reason == "unknown site Z"


def test_a_broken_zone_names_its_problem_by_code(tmp_path):
    ring = [[6.6, 46.5], [6.8, 46.7], [6.8, 46.5], [6.6, 46.6], [6.6, 46.5]]
    feature = {
        "type": "Feature",
        "id": "Z1",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ImportFormatError) as refused:
        import_zones(path, root=tmp_path / "w", municipality_id=1)
    assert refused.value.code == "zone_invalid"
    assert refused.value.params == {
        "file": "zones.geojson",
        "zone": "Z1",
        "problem": "ring_crosses",
        "first": 1,
        "second": 3,
    }
    assert "zone Z1 is not a valid polygon: the ring crosses itself (edges 1 and 3)" in str(
        refused.value
    )


def test_an_unknown_code_or_a_missing_parameter_fails_where_it_is_written():
    report = ImportReport(file="x.csv")
    with pytest.raises(KeyError):
        report.reject(2, "no_such_code")
    with pytest.raises(KeyError):
        report.reject(2, "unknown_site")  # without its site


def test_a_holes_ring_problem_names_the_hole():
    params = {"file": "z.geojson", "zone": "Z", "problem": "ring_open", "hole": 2}
    assert describe("zone_invalid", params).endswith(
        "hole 2: the ring is not closed (its first and last positions differ)"
    )
    assert set(ENGLISH) >= {"zone_invalid", "ring_open"}
