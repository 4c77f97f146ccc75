"""Hostile GTFS zips (issue 9): a bomb, a path out of the archive, a missing table, a table in
UTF-16 (Excel's "Unicode text") or Latin-1, a line of megabytes: each import fails with its
reason in the town's language (French here), and the warehouse is untouched."""

from __future__ import annotations

import zipfile

import pytest
from django.core.files.base import File
from django.utils import translation

from commune.mobility.services import import_create
from commune.mobility.services.imports import import_run_isolated
from commune.tenants.scoping import scope

STOPS = "stop_id,stop_name,stop_lat,stop_lon\nS1,Pully-Gare,46.51,6.66\n"
TRIPS = "trip_id,service_id,route_id\nT1,WD,R1\n"
TIMES = "trip_id,stop_id,departure_time\nT1,S1,08:00:00\n"
CALENDAR = (
    "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "WD,1,1,1,1,1,0,0,20260101,20261231\n"
)


def timetable(path, members: dict[str, bytes | None] | None = None):
    """The plain timetable, with `members` replaced (None: left out) or added."""
    tables = {
        "stops.txt": STOPS.encode(),
        "trips.txt": TRIPS.encode(),
        "stop_times.txt": TIMES.encode(),
        "calendar.txt": CALENDAR.encode(),
    }
    tables.update(members or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in tables.items():
            if content is not None:
                archive.writestr(name, content)
    return path


HOSTILE = {
    "bomb": (
        {"stop_times.txt": TIMES.encode() + b"T1,S1,08:00:00\n" * 3_000_000},
        "stop_times.txt est compressé",
    ),
    "path": ({"../stops.txt": b"x"}, "a un chemin dans l'archive ZIP"),
    "missing": ({"stop_times.txt": None}, "stop_times.txt manque"),
    "utf16": ({"stops.txt": STOPS.encode("utf-16")}, "n'est pas un texte UTF-8 (UTF-16)"),
    "latin1": (
        {"stops.txt": (STOPS + "S2,Genève,46.2,6.1\n").encode("latin-1")},
        "n'est pas un texte UTF-8 (byte 0xe8)",
    ),
    "long line": (
        {"stops.txt": (STOPS + "S2," + "x" * 200_000 + ",46.5,6.6\n").encode()},
        "stops.txt, ligne 3",
    ),
}


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_a_hostile_timetable_fails_with_its_reason_in_french(
    transactional_db, town_a, tmp_path, settings, what
):
    members, reason = HOSTILE[what]
    path = timetable(tmp_path / "horaire.zip", members)
    with scope(town_a):
        queued = import_create(
            municipality=town_a,
            kind="gtfs",
            source_name="horaire.zip",
            options={"service_date": "2026-03-17"},
            file=File(path.open("rb"), name="horaire.zip"),
        )
        done = import_run_isolated(data_import=queued)
    assert done.status == "failed", what
    with translation.override("fr"):
        assert reason in done.error_message, done.error_message
    assert not (settings.WAREHOUSE_DIR / str(town_a.pk) / "departures").exists()


def test_the_plain_timetable_of_these_tests_imports(transactional_db, town_a, tmp_path):
    path = timetable(tmp_path / "horaire.zip")
    with scope(town_a):
        queued = import_create(
            municipality=town_a,
            kind="gtfs",
            source_name="horaire.zip",
            options={"service_date": "2026-03-17"},
            file=File(path.open("rb"), name="horaire.zip"),
        )
        done = import_run_isolated(data_import=queued)
    assert (done.status, done.rows_imported) == ("done", 1), done.error_message
