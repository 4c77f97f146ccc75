"""A merge killed with SIGKILL halfway (issue 9: `kill -9` during a re-import left 34 of 36 month
files rewritten): a real child process dies in the middle of writing its staged files, or in
the middle of swapping them in; afterwards every month file is the old one, byte for byte."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from analytics import store

ROOT = Path(__file__).resolve().parents[2]
KEY = ["site_id", "ts_utc"]
SCHEMA = pa.schema(
    [("site_id", pa.string()), ("ts_utc", pa.timestamp("us", tz="UTC")), ("count", pa.int64())]
)
MONTHS = 36


def counts(value: int) -> pd.DataFrame:
    """Two sites, one count a day over three years (36 month files), every count `value`."""
    days = pd.date_range("2023-01-01", periods=365 * 3 + 1, freq="D", tz="UTC")
    frame = pd.concat([pd.DataFrame({"site_id": s, "ts_utc": days}) for s in ("A1", "A2")])
    return frame.assign(count=value).reset_index(drop=True)


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from analytics import store
    from analytics.tests.test_store_killed import KEY, SCHEMA, counts

    where, folder, at = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    calls = {"n": 0}

    def dying(real):
        def call(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return call

    if where == "swap":
        store.os.replace = dying(store.os.replace)
    else:
        store.pq.write_table = dying(store.pq.write_table)
    store.merge_by_month(folder, counts(2), key=KEY, schema=SCHEMA)
    """
)


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))
    }


def killed_merge(folder: Path, where: str, at: int) -> None:
    child = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", CHILD, where, str(folder), str(at)], cwd=ROOT, check=False
    )
    assert child.returncode == -signal.SIGKILL


def stored_counts(folder: Path) -> set[int]:
    return set(pd.read_parquet(folder)["count"])


@pytest.mark.parametrize(("where", "at"), [("write", 19), ("swap", 19), ("swap", MONTHS)])
def test_a_merge_killed_halfway_leaves_every_old_month_file(tmp_path, where, at):
    # given three years of counts in 36 month files
    folder = tmp_path / "counts"
    store.merge_by_month(folder, counts(1), key=KEY, schema=SCHEMA)
    before = fingerprints(folder)
    assert len(before) == MONTHS
    # when a re-import with every count corrected is killed with SIGKILL halfway
    killed_merge(folder, where, at)
    if where == "swap":  # the kill came after at - 1 files were swapped in: a mixed store
        assert fingerprints(folder) != before
    # then the next writer (or the worker at start) puts every old file back
    assert store.recover_tree(tmp_path) == [folder]
    assert fingerprints(folder) == before
    assert stored_counts(folder) == {1}
    assert not (folder / store.STAGING).exists()
    # and the import run again stores the corrected counts
    merged = store.merge_by_month(folder, counts(2), key=KEY, schema=SCHEMA)
    assert merged.replaced == len(counts(2)) and stored_counts(folder) == {2}


def test_a_merge_that_fails_with_an_error_undoes_itself_at_once(tmp_path, monkeypatch):
    folder = tmp_path / "counts"
    store.merge_by_month(folder, counts(1), key=KEY, schema=SCHEMA)
    before = fingerprints(folder)
    real, calls = store.os.replace, []

    def failing(*args):
        calls.append(args)
        if len(calls) == 10:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(store.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        store.merge_by_month(folder, counts(2), key=KEY, schema=SCHEMA)
    monkeypatch.undo()
    assert fingerprints(folder) == before
    assert not (folder / store.STAGING).exists()
