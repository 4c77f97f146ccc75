"""The Parquet store: incremental, idempotent writes of one dataset of one municipality.

Rows are merged on a key (e.g. site_id + ts_utc + direction + mode + lane): a key not yet stored
is inserted, a key stored with other values is replaced by the new row (a re-delivered corrected
value wins), a key stored with the same values is left alone. Files are partitioned by a string
(the UTC month for time series) and rewritten atomically (temporary file + rename) under a lock,
so a crash or a concurrent import never leaves a half-written partition.

A merge is all or nothing, even when the process is killed (kill -9, out of memory) halfway:
the new partitions are written to ``<folder>/.staging/`` first, then swapped in one by one
with the old ones kept as hard links beside them and a journal listing the swap; only once
every file is swapped is the journal removed. A merge that died leaves the staging folder
behind, and ``recover()`` (run by the next writer under the lock, and by the web side's worker
at start) puts every old partition back. Readers read ``<folder>/*.parquet`` and never see the
staging folder. docs/decisions/0014-all-or-nothing-imports.md says why this and not a
generation pointer.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


@dataclass
class MergeResult:
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0


STAGING = ".staging"
JOURNAL = "swap.json"
BACKUP = "old"


@contextmanager
def locked(folder: Path):
    """The folder's writer lock; a merge that died in it is undone first (recover)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            recover(folder)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def recover(folder: Path) -> bool:
    """Undo a merge into ``folder`` that died (call under the lock): every partition it had
    swapped gets its old file back, a partition it added is removed, its staged files are
    dropped. True when there was one."""
    _drop_dead_spills(Path(folder))
    staging = Path(folder) / STAGING
    if not staging.is_dir():
        return False
    journal = staging / JOURNAL
    if journal.exists():  # it died while swapping: put the old files back
        for entry in json.loads(journal.read_text())["files"]:
            target, backup = Path(folder) / entry["name"], staging / BACKUP / entry["name"]
            if entry["existed"] and backup.exists():
                os.replace(backup, target)
            elif not entry["existed"]:
                target.unlink(missing_ok=True)
    shutil.rmtree(staging)
    return True


def _drop_dead_spills(folder: Path) -> None:
    """Remove the spills of MonthlyMerge left by a process that is gone."""
    for spill in folder.glob(f"{INCOMING}*"):
        pid = spill.name[len(INCOMING) :].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(spill, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_tree(root: str | Path, municipality_id: int | str | None = None) -> list[Path]:
    """recover() every dataset folder of a town (or of every town) that holds a merge that
    died, each under its lock; returns the folders recovered."""
    base = Path(root) if municipality_id is None else Path(root) / str(municipality_id)
    found = []
    for staging in sorted(base.glob(f"**/{STAGING}")):
        folder = staging.parent
        if staging.is_dir() and (folder / ".lock").exists():
            with open(folder / ".lock", "w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    if recover(folder):
                        found.append(folder)
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
    return found


def swap_in(folder: Path, staging: Path, names: list[str]) -> None:
    """Swap the staged partitions ``names`` into ``folder``: the journal first, then each old
    file kept as a hard link and replaced; the journal removed last (the merge is then done)."""
    if not names:
        shutil.rmtree(staging)
        return
    entries = [{"name": n, "existed": (folder / n).exists()} for n in names]
    (staging / BACKUP).mkdir()
    tmp = staging / f".{JOURNAL}.tmp"
    tmp.write_text(json.dumps({"files": entries}))
    os.replace(tmp, staging / JOURNAL)
    for entry in entries:
        if entry["existed"]:
            os.link(folder / entry["name"], staging / BACKUP / entry["name"])
        os.replace(staging / entry["name"], folder / entry["name"])
    (staging / JOURNAL).unlink()
    shutil.rmtree(staging)


def write_atomic(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def merge_into(
    folder: Path,
    new: pd.DataFrame,
    *,
    key: list[str],
    partition: pd.Series,
    schema: pa.Schema,
    on_fraction: Callable[[float], None] | None = None,
) -> MergeResult:
    """Merge ``new`` (already de-duplicated on ``key``) into ``folder/<partition>.parquet``;
    ``on_fraction`` is told the share of partitions done after each one."""
    result = MergeResult()
    value_cols = [c for c in schema.names if c not in key]
    groups = new.groupby(partition, sort=True)
    n_parts = max(1, groups.ngroups)
    with locked(folder):
        staging = folder / STAGING
        staging.mkdir()
        written: list[str] = []
        try:
            for done, (part, rows) in enumerate(groups, start=1):
                if on_fraction is not None and done > 1:
                    on_fraction((done - 1) / n_parts)
                path = folder / f"{part}.parquet"
                rows = rows[schema.names]
                if path.exists():
                    old = pq.read_table(path).to_pandas()
                    joined = rows.merge(
                        old, on=key, how="left", suffixes=("", "__old"), indicator=True
                    )
                    is_new = joined["_merge"] == "left_only"
                    same = pd.Series(True, index=joined.index)
                    for col in value_cols:
                        a, b = joined[col], joined[f"{col}__old"]
                        same &= (a == b) | (a.isna() & b.isna())
                    same &= ~is_new
                    n_new, n_same = int(is_new.sum()), int(same.sum())
                    n_replaced = len(rows) - n_new - n_same
                    result.inserted += n_new
                    result.unchanged += n_same
                    result.replaced += n_replaced
                    if n_new == 0 and n_replaced == 0:
                        continue
                    keep = old.merge(rows[key], on=key, how="left", indicator=True)
                    old = old[(keep["_merge"] == "left_only").to_numpy()]
                    merged = pd.concat([old, rows], ignore_index=True)
                else:
                    result.inserted += len(rows)
                    merged = rows
                merged = merged.sort_values(key, kind="stable")
                table = pa.Table.from_pandas(merged, schema=schema, preserve_index=False)
                pq.write_table(table, staging / path.name, compression="zstd")
                written.append(path.name)
            swap_in(folder, staging, written)
        except BaseException:
            recover(folder)  # an error, not a kill: undo at once
            raise
    if on_fraction is not None:
        on_fraction(1.0)
    return result


def merge_by_month(
    folder: Path,
    new: pd.DataFrame,
    *,
    key: list[str],
    schema: pa.Schema,
    on_fraction: Callable[[float], None] | None = None,
) -> MergeResult:
    """Merge a time series into ``folder/<YYYY-MM>.parquet``, one partition per UTC month of
    its ``ts_utc``: the layout of every time series in the store."""
    partition = new["ts_utc"].dt.strftime("%Y-%m")
    return merge_into(
        folder, new, key=key, partition=partition, schema=schema, on_fraction=on_fraction
    )


def chunk_files_by_month(folder: Path, *, key: list[str], schema: pa.Schema) -> int:
    """Move the rows of chunk files (``part-NNNNN.parquet``, as demo data was once written) into
    the month partitions, and remove the chunk files; returns the rows moved. A row also stored
    in its month partition (imported again) is kept once."""
    moved = 0
    for chunk in sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []:
        rows = pq.read_table(chunk).to_pandas().drop_duplicates(key, keep="last")
        merge_by_month(folder, rows, key=key, schema=schema)
        chunk.unlink()
        moved += len(rows)
    return moved


INCOMING = ".incoming-"
