"""Imports run in a child process with a memory cap (issue 7: a 0.6 MB GTFS zip holding a 300 MB
member took 5 GB of memory in the worker every town shares).

* A file that needs more memory than the cap fails alone, with a message in the town's
  language; the real `manage.py worker` stays up and runs the next import.
* A zip bomb uploaded as a timetable is refused before a member is read, in the town's words.

The tests are transactional: the child process sees committed rows only.
"""

from __future__ import annotations

import io
import random
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.core.tests.workers import start_worker, stop_worker, wait_until
from commune.core.uploads import file_size
from commune.mobility.models import DataImport
from commune.mobility.services import import_create
from commune.mobility.services.imports import import_job, import_run_child
from commune.tenants.scoping import scope

MiB = 1024 * 1024
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
COUNTS = (
    b"site_id,timestamp,count\nA1,2026-03-17T08:00:00+01:00,12\nA1,2026-03-17T09:00:00+01:00,7\n"
)
STOPS = "stop_id,stop_name\nS1,Pully-Gare\n"
TRIPS = "trip_id,service_id,route_id\nT1,WD,R1\n"
WEEK = "monday,tuesday,wednesday,thursday,friday,saturday,sunday"
CALENDAR = f"service_id,{WEEK},start_date,end_date\nWD,1,1,1,1,1,0,0,20260101,20261231\n"


def timetable(*, stop_times: bytes, compresslevel: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("stops.txt", STOPS)
        archive.writestr("trips.txt", TRIPS)
        archive.writestr("calendar.txt", CALENDAR)
        archive.writestr("stop_times.txt", b"trip_id,stop_id,departure_time\n" + stop_times)
    return buffer.getvalue()


def memory_hog() -> bytes:
    """A timetable within every archive limit (200 MB of departures, compressed about 3 to 1)
    whose reading needs some 3 GB: more than the 2 GiB an import may use."""
    rng = random.Random(7)  # noqa: S311 - test data
    lines = [
        f"T{rng.randrange(10**6):06d},S{rng.randrange(10**5):05d},0{rng.randrange(10)}:00:00\n"
        for _ in range(40_000)
    ]
    block = "".join(lines).encode()
    return timetable(stop_times=block * (200 * MiB // len(block)), compresslevel=1)


def queued(town, kind: str, name: str, content: bytes, **options) -> DataImport:
    with scope(town):
        return import_create(
            municipality=town,
            kind=kind,
            source_name=name,
            file=ContentFile(content, name=name),
            options=options,
        )


def status_of(data_import) -> tuple[str, str]:
    """The import's status, and why it failed as the town's staff read it (in its language)."""
    town = data_import.municipality
    with scope(town), translation.override(town.default_language):
        data_import.refresh_from_db()
        return data_import.status, data_import.error_message


def peak_resident_bytes(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM, Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    [kilobytes] = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(kilobytes) * 1024


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_import_past_the_memory_cap_fails_alone_in_the_towns_language(
    transactional_db, town_a, media, settings
):
    # given a German-speaking town, an import that needs too much memory, then a plain one
    town_a.languages = ["de", "fr"]
    town_a.save(update_fields=["languages"])
    hog = queued(town_a, "gtfs", "hog.zip", memory_hog(), service_date="2026-03-17")
    plain = queued(town_a, "counts", "counts.csv", COUNTS)
    # when both run as the worker runs them (the task, inline here)
    import_job.enqueue(municipality_id=town_a.pk, import_id=hog.pk)
    import_job.enqueue(municipality_id=town_a.pk, import_id=plain.pk)
    # then the first failed with a message in German naming the limit, the second is done
    with translation.override("de"):
        limit = file_size(settings.IMPORT_MEMORY_LIMIT_BYTES)
    status, error = status_of(hog)
    assert status == "failed"
    assert "Speicher" in error and limit in error, error
    assert status_of(plain) == ("done", "")


@override_settings(TASKS=DATABASE_TASKS)
def test_the_real_worker_survives_an_import_past_the_memory_cap(
    transactional_db, town_a, media, settings, tmp_path
):
    # given a running worker (the real `manage.py worker`), on this test's database and folders
    worker = start_worker(
        tmp_path, "--no-scheduler", MEDIA_ROOT=str(media), WAREHOUSE_DIR=str(settings.WAREHOUSE_DIR)
    )
    try:
        # when an import that needs too much memory is queued, then a plain one
        hog = queued(town_a, "gtfs", "hog.zip", memory_hog(), service_date="2026-03-17")
        plain = queued(town_a, "counts", "counts.csv", COUNTS)
        import_job.enqueue(municipality_id=town_a.pk, import_id=hog.pk)
        import_job.enqueue(municipality_id=town_a.pk, import_id=plain.pk)
        # then the worker fails the first, runs the second, and is still up
        wait_until(
            lambda: status_of(plain)[0] == "done",
            timeout=300,
            what="the plain import after the memory hog",
            workers=(worker,),
        )
        status, error = status_of(hog)
        assert status == "failed" and "mémoire" in error
        assert worker.poll() is None
        # and the worker itself never held the file: its peak resident memory stayed small
        assert peak_resident_bytes(worker.pid) < 512 * MiB
    finally:
        stop_worker(worker)
    assert (Path(settings.WAREHOUSE_DIR) / str(town_a.pk) / "counts").is_dir()
    assert not (Path(settings.WAREHOUSE_DIR) / str(town_a.pk) / "departures").exists()


def test_a_gtfs_zip_bomb_upload_is_refused_before_it_is_read_in_the_towns_language(
    transactional_db, town_a, media, settings, staff_client, django_capture_on_commit_callbacks
):
    # given an analyst of a French-speaking town, and 200 MB of departures in 0.2 MB
    user = UserFactory()
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=user, role=Role.MOBILITY_ANALYST)
    client = staff_client(user)
    bomb = timetable(stop_times=b"T1,S1,08:00:00\n" * (200 * MiB // 15))
    assert len(bomb) < MiB
    # when it is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("mobility:import-list", kwargs={"town": town_a.slug}),
            {
                "kind": "gtfs",
                "file": SimpleUploadedFile("horaire.zip", bomb),
                "time_zone": "Europe/Zurich",
                "submission_key": str(uuid.uuid4()),
            },
        )
    # then the import failed, saying why in French, and nothing reached the warehouse
    assert response.status_code == 302
    with scope(town_a):
        [data_import] = DataImport.objects.all()
    status, error = status_of(data_import)
    assert status == "failed"
    assert "stop_times.txt est compressé" in error, error
    assert not (Path(settings.WAREHOUSE_DIR) / str(town_a.pk) / "departures").exists()


def test_a_timetable_with_a_garbled_member_fails_with_the_towns_words(db, town_a, media):
    # given a timetable whose stop_times.txt was garbled in transit (the directory is intact)
    data = bytearray(timetable(stop_times=b"T1,S1,08:00:00\n" * 5_000))
    start = data.find(b"stop_times.txt") + len("stop_times.txt")
    data[start + 10 : start + 60] = bytes(b ^ 0xFF for b in data[start + 10 : start + 60])
    garbled = queued(town_a, "gtfs", "horaire.zip", bytes(data), service_date="2026-03-17")
    # when the child's side of the import runs it (here, in this process)
    import_run_child(import_id=garbled.pk, municipality_id=town_a.pk)
    # then the pipeline's refusal reaches the town in French
    status, error = status_of(garbled)
    assert status == "failed"
    assert (
        error
        == "Le fichier n'a pas pu être importé : Cette archive ZIP est endommagée ou incomplète."
    )
