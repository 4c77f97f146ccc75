"""`kill -9` during a re-import (issue 9: 34 of 36 month files rewritten, the import "running
98 %" for ever): a real process running the import is killed with SIGKILL in the middle of
swapping its month files in; the next worker start puts every old file back and fails the
import as interrupted, in the town's language. A job whose heartbeat stopped on another host is
failed by the periodic check."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
from django.utils import timezone, translation

from commune.core.tests.workers import output_of, start_worker, stop_worker, worker_env
from commune.mobility.models import DataImport
from commune.mobility.services import import_create, import_run
from commune.mobility.services.heartbeat import heartbeat
from commune.mobility.services.recovery import STALE, imports_recover
from commune.tenants.scoping import scope

ROOT = Path(__file__).resolve().parents[3]
MONTHS = 36


def counts_csv(path: Path, value: int) -> Path:
    """Two sites, one count a day over three years (36 month files), every count `value`."""
    days = pd.date_range("2023-01-01", periods=365 * 3 + 1, freq="D", tz="UTC")
    rows = [f"{s},{d.isoformat()},{value}" for s in ("A1", "A2") for d in days]
    path.write_text("site_id,timestamp,count\n" + "\n".join(rows) + "\n")
    return path


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))
    }


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from pathlib import Path
    from analytics import store
    from commune.mobility.models import DataImport
    from commune.mobility.services import import_run
    from commune.tenants.models import Municipality
    from commune.tenants.scoping import scope

    town_id, import_id, path, at = map(str, sys.argv[1:5])
    calls = {"n": 0}
    real = store.os.replace

    def dying(*args):
        if str(args[1]).endswith(".parquet") and "/counts/" in str(args[1]):
            calls["n"] += 1
            if calls["n"] == int(at):
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)

    store.os.replace = dying
    with scope(Municipality.objects.get(pk=int(town_id))):
        import_run(data_import=DataImport.objects.get(pk=int(import_id)), path=Path(path))
    """
)


def test_a_reimport_killed_while_swapping_leaves_the_old_months_and_fails_at_worker_start(
    transactional_db, town_a, settings, tmp_path
):
    # given three years of counts imported (36 month files)
    folder = Path(settings.WAREHOUSE_DIR) / str(town_a.pk) / "counts"
    first = counts_csv(tmp_path / "counts.csv", 1)
    with scope(town_a):
        done = import_run(
            data_import=import_create(municipality=town_a, kind="counts", source_name="c.csv"),
            path=first,
        )
    assert done.status == "done"
    before = fingerprints(folder)
    assert len(before) == MONTHS
    # when a re-import with every count corrected runs in its own process, killed with SIGKILL
    # after 18 of its 36 month files were swapped in
    corrected = counts_csv(tmp_path / "corrected.csv", 2)
    with scope(town_a):
        again = import_create(municipality=town_a, kind="counts", source_name="corrected.csv")
    env = worker_env(tmp_path, WAREHOUSE_DIR=str(settings.WAREHOUSE_DIR))
    child = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", CHILD, str(town_a.pk), str(again.pk), str(corrected), "19"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-3000:]
    again.refresh_from_db()
    assert again.status == "running"  # what the dead process left
    mixed = fingerprints(folder)
    assert len([n for n in mixed if mixed[n] != before[n]]) == 18
    # then the next worker start puts every old month back and fails the import
    worker = start_worker(
        tmp_path, "--no-scheduler", "--batch", WAREHOUSE_DIR=str(folder.parents[1])
    )
    try:
        assert worker.wait(timeout=120) == 0, output_of(worker)
    finally:
        stop_worker(worker)
    assert fingerprints(folder) == before
    assert set(pd.read_parquet(folder)["count"]) == {1}
    again.refresh_from_db()
    assert (again.status, again.error_key) == ("failed", "import.interrupted")
    with translation.override("fr"):
        assert again.error_message.startswith("L'import a été interrompu à ")
    with translation.override("en"):
        assert again.error_message == (
            f"The import was interrupted at {again.progress} % (the process running it "
            "stopped); the data imported before is unchanged. Import the file again."
        )


def test_an_import_whose_heartbeat_stopped_elsewhere_is_failed_by_the_periodic_check(town_a):
    # given an import running on another host, last heard of at 10:00
    beat = timezone.make_aware(dt.datetime(2026, 3, 17, 10, 0))  # noqa: DTZ001
    with scope(town_a):
        job = import_create(municipality=town_a, kind="counts", source_name="c.csv")
        DataImport.objects.filter(pk=job.pk).update(
            status="running", started_at=beat, heartbeat_at=beat, worker="elsewhere:1", progress=40
        )
    # when checked just before and just after the heartbeat is stale
    assert imports_recover(now=beat + STALE - dt.timedelta(seconds=1)) == []
    [failed] = imports_recover(now=beat + STALE + dt.timedelta(seconds=1))
    # then only the second check fails it
    assert (failed.pk, failed.status, failed.error_params) == (job.pk, "failed", {"progress": 40})


def test_a_running_import_beats_while_it_runs_and_names_its_process(transactional_db, town_a):
    # given
    with scope(town_a):
        job = import_create(municipality=town_a, kind="counts", source_name="c.csv")
        # when a block runs under the heartbeat for a few beats
        with heartbeat(job, every=0.05):
            first = DataImport.objects.get(pk=job.pk)
            time.sleep(0.5)
            later = DataImport.objects.get(pk=job.pk)
    # then this process is named and the beat moved on
    assert first.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert later.heartbeat_at > first.heartbeat_at
