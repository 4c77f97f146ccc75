"""child_run(): a function in a child process with its memory capped, on the parent's database
and folders; how it ended."""

from __future__ import annotations

import json
import os

from commune.accounts.tests.factories import UserFactory
from commune.core.isolation import child_run

GiB = 1024**3
TARGETS = "commune.core.tests.isolation_targets"


def test_the_child_works_on_the_parents_database_and_folders(transactional_db, settings, tmp_path):
    # given a row the child can only see in this test's own database, and folders of this test
    UserFactory(email="seen-by-the-child@example.ch")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WAREHOUSE_DIR = tmp_path / "warehouse"
    # when
    outcome = child_run(
        f"{TARGETS}:describe", kwargs={"path": str(tmp_path / "seen.json")}, memory_limit=3 * GiB
    )
    # then
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert outcome.ok
    assert seen["users"] == ["seen-by-the-child@example.ch"]
    assert seen["media_root"] == str(tmp_path / "media")
    assert seen["warehouse_dir"] == str(tmp_path / "warehouse")
    assert seen["limit"] == 3 * GiB and seen["pid"] != os.getpid()


def test_an_allocation_past_the_cap_ends_the_child_alone():
    outcome = child_run(f"{TARGETS}:allocate", kwargs={"megabytes": 4096}, memory_limit=2 * GiB)
    assert outcome.out_of_memory and not outcome.ok
    # and this process goes on: the same job under the cap succeeds
    assert child_run(f"{TARGETS}:allocate", kwargs={"megabytes": 64}, memory_limit=2 * GiB).ok


def test_a_failing_or_killed_child_says_so():
    failed = child_run(f"{TARGETS}:fail", kwargs={}, memory_limit=2 * GiB)
    killed = child_run(f"{TARGETS}:killed", kwargs={}, memory_limit=2 * GiB)
    assert (failed.ok, failed.out_of_memory, failed.signal) == (False, False, None)
    assert killed.signal == 9
