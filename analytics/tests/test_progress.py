"""Importers report real progress: growing percentages while a multi-chunk file is read."""

from datetime import datetime, timedelta

from analytics.ingest.chunks import Stages
from analytics.ingest.counts import import_counts
from analytics.ingest.network import import_od


def counts_file(tmp_path, hours: int, sites: int = 3):
    start = datetime(2024, 1, 1)
    lines = ["site_id,timestamp,count"]
    for h in range(hours):
        stamp = (start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:00+00:00")
        lines += [f"S{s},{stamp},{(h * 7 + s) % 50}" for s in range(sites)]
    path = tmp_path / "counts.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_counts_import_reports_increasing_progress_while_reading_chunks(tmp_path):
    # given a file of 3 x 2000 rows over three months, read 500 rows at a time (12 chunks)
    path = counts_file(tmp_path, hours=2000)
    seen = []
    # when
    report = import_counts(
        path, root=tmp_path, municipality_id=7, progress=seen.append, chunk_rows=500
    )
    # then the percentages grow strictly from 0 to 100, with steps during the reading itself
    assert report.rows_imported == 6000
    assert seen[0] == 0 and seen[-1] == 100
    assert all(a < b for a, b in zip(seen, seen[1:], strict=False))
    reading = [p for p in seen if 0 < p < 50]
    assert len(reading) >= 8, seen
    storing = [p for p in seen if 70 < p < 100]
    assert len(storing) >= 2, seen  # one step per month partition (January to March)


def test_a_single_chunk_file_still_ends_at_100(tmp_path):
    # given a small file
    path = counts_file(tmp_path, hours=5)
    seen = []
    # when
    import_counts(path, root=tmp_path, municipality_id=7, progress=seen.append)
    # then
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(set(seen))


def test_od_import_reports_progress(tmp_path):
    # given an OD file
    lines = ["origin,destination,timestamp,trips"]
    lines += [f"Z{i % 5},Z{i % 7},2024-05-{1 + i % 28:02d}T08:00+02:00,{i}" for i in range(400)]
    path = tmp_path / "od.csv"
    path.write_text("\n".join(lines) + "\n")
    seen = []
    # when
    import_od(path, root=tmp_path, municipality_id=7, progress=seen.append)
    # then
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(set(seen))


def test_stages_never_go_back_nor_repeat():
    # given two stages of 60 and 40
    seen = []
    stages = Stages(seen.append, read=60, store=40)
    # when fractions arrive, some repeated or going back
    for f in (0, 0.5, 0.5, 0.25, 1.0):
        stages.read(f)
    stages.store(0.5)
    stages.store(1.0)
    # then
    assert seen == [0, 30, 60, 80, 100]
