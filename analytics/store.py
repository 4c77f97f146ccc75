"""The Parquet store: incremental, idempotent writes of one dataset of one municipality.

Rows are merged on a key (e.g. site_id + ts_utc + direction + mode + lane): a key not yet stored
is inserted, a key stored with other values is replaced by the new row (a re-delivered corrected
value wins), a key stored with the same values is left alone. Files are partitioned by a string
(the UTC month for time series) and rewritten atomically (temporary file + rename) under a lock,
so a crash or a concurrent import never leaves a half-written partition.
"""

from __future__ import annotations

import fcntl
import os
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


@contextmanager
def locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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
        for done, (part, rows) in enumerate(groups, start=1):
            if on_fraction is not None and done > 1:
                on_fraction((done - 1) / n_parts)
            path = folder / f"{part}.parquet"
            rows = rows[schema.names]
            if path.exists():
                old = pq.read_table(path).to_pandas()
                joined = rows.merge(old, on=key, how="left", suffixes=("", "__old"), indicator=True)
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
            write_atomic(pa.Table.from_pandas(merged, schema=schema, preserve_index=False), path)
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
