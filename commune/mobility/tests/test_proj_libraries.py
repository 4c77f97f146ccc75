"""One process holds two copies of PROJ: pyproj's own (the pipeline's LV95 <-> WGS84) and the
system's, which SpatiaLite loads for the whole process. Loaded in that order (MobilityConfig
.ready), each keeps to its own; the other way round, pyproj's calls reach the system's copy:
positions off in the last digits and a crash when the process ends. Seen failing that way."""

import os
import subprocess
import sys

from django.conf import settings

POSITION = "from analytics.geo import lv95_to_wgs84; print(repr(lv95_to_wgs84(2600000, 1200000)))"
DJANGO_WITH_SPATIALITE = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('select spatialite_version()'); "
    "print(cursor.fetchone()[0]); "
)


def _python(code: str, tmp_path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "COMMUNE_TEST_RUN_DIR": str(tmp_path)}
    environment.pop("DATABASE_URL", None)  # SpatiaLite, whatever this run's database
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_django_process_on_spatialite_converts_as_pyproj_alone_and_exits_cleanly(tmp_path):
    # given: the conversion in a process that has nothing else
    alone = _python(POSITION, tmp_path)
    assert alone.returncode == 0, alone.stderr
    # when: a Django process has opened SpatiaLite before it converts
    mixed = _python(DJANGO_WITH_SPATIALITE + POSITION, tmp_path)
    # then: same digits, and the process ends normally (not SIGSEGV / SIGABRT)
    assert mixed.returncode == 0, mixed.stderr[-2000:]
    version, position = mixed.stdout.split()[0], "".join(mixed.stdout.split()[1:])
    assert version.startswith("5.")  # SpatiaLite was really loaded
    assert position == alone.stdout.strip().replace(" ", "")
