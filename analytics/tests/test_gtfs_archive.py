"""GTFS zips are checked before a member is read (issue 7: a 0.6 MB GTFS zip holding a 300 MB
member took 5 GB of memory). Memory is measured with tracemalloc, which sees the bytes read
from the zip and pandas' frames."""

from __future__ import annotations

import tracemalloc
import zipfile
from datetime import date

import pytest

from analytics.engines import dataset_dir
from analytics.ingest.gtfs import GTFS_ZIP, import_gtfs
from analytics.ingest.report import ImportFormatError

MiB = 1024 * 1024
STOPS = "stop_id,stop_name\nS1,Pully-Gare\n"
TRIPS = "trip_id,service_id,route_id\nT1,WD,R1\n"
CALENDAR = (
    "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
)
CALENDAR += "WD,1,1,1,1,1,0,0,20260101,20261231\n"
LINE = b"T1,S1,08:00:00\n"


def timetable(path, *, stop_times_bytes: int, extra: dict[str, bytes] | None = None):
    """A GTFS zip whose stop_times.txt repeats one departure up to `stop_times_bytes`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stops.txt", STOPS)
        archive.writestr("trips.txt", TRIPS)
        archive.writestr("calendar.txt", CALENDAR)
        with archive.open("stop_times.txt", "w", force_zip64=True) as member:
            member.write(b"trip_id,stop_id,departure_time\n")
            lines = max(1, stop_times_bytes // len(LINE))
            per_block = MiB // len(LINE)
            for start in range(0, lines, per_block):
                member.write(LINE * min(per_block, lines - start))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return path


def imported(path, root):
    return import_gtfs(path, root=root, municipality_id=7, service_date=date(2026, 3, 17))


def test_a_plain_timetable_is_imported(tmp_path):
    report = imported(timetable(tmp_path / "gtfs.zip", stop_times_bytes=1), tmp_path)
    assert report.rows_imported == 1


def test_a_zip_bomb_is_refused_before_its_member_is_read(tmp_path):
    # given 40 MB of departures that compress to a few tens of KB
    bomb = timetable(tmp_path / "bomb.zip", stop_times_bytes=40 * MiB)
    assert bomb.stat().st_size < MiB
    # when it is imported, then it is refused, having allocated almost nothing
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match="stop_times.txt is compressed"):
            imported(bomb, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * MiB
    assert not dataset_dir(tmp_path, 7, "departures").exists()


def test_a_member_past_the_size_limit_is_refused_by_its_declared_size(tmp_path, monkeypatch):
    # given limits lowered for the test (the real ones are hundreds of MB)
    small = GTFS_ZIP.__class__(**{**GTFS_ZIP.__dict__, "max_member_bytes": 2 * MiB})
    monkeypatch.setattr("analytics.ingest.gtfs.GTFS_ZIP", small)
    big = timetable(tmp_path / "big.zip", stop_times_bytes=3 * MiB)
    with pytest.raises(ImportFormatError, match="stop_times.txt would unpack to"):
        imported(big, tmp_path)


def test_a_timetable_zipped_on_a_mac_still_imports(tmp_path):
    # given the folder entries and resource forks the macOS Finder adds
    extra = {"__MACOSX/": b"", "__MACOSX/._stops.txt": b"\x00\x05\x16\x07"}
    report = imported(timetable(tmp_path / "mac.zip", stop_times_bytes=1, extra=extra), tmp_path)
    assert report.rows_imported == 1


@pytest.mark.parametrize("name", ["../stops.txt", "/etc/stops.txt"])
def test_a_member_with_a_path_out_of_the_archive_is_refused(tmp_path, name):
    path = timetable(tmp_path / "evil.zip", stop_times_bytes=1, extra={name: b"x"})
    with pytest.raises(ImportFormatError, match="has a path"):
        imported(path, tmp_path)
