"""Large imports merged month by month without holding the file in memory (MonthlyMerge): the
blocks read are spilled per UTC month, then each month merged by DuckDB with its memory capped,
and the new months swapped in all at once under the store's journal (analytics/store.py,
decision 0014)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from string import Template

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analytics.store import INCOMING, STAGING, MergeResult, locked, recover, swap_in

#: DuckDB's memory while it merges a month (it spills to disk past it), and its threads.
MERGE_MEMORY = "128MB"
MERGE_THREADS = 2


class MonthlyMerge:
    """A large import merged by month without holding it: blocks of checked rows (the schema
    plus ``_line``, their line in the file) are spilled to Parquet per UTC month in
    ``<folder>/.incoming-<pid>-<n>/`` as they are read, then `merge()` merges each month with
    DuckDB (memory capped, spilling to disk): duplicates of a key in the file keep the later
    line, the rest is compared with the stored month as merge_into() does. The new months are
    staged and swapped in at once under the journal (all or nothing, decision 0014).

    ``with MonthlyMerge(folder, key=..., schema=...) as merge: merge.add(rows) …;
    merge.merge(on_duplicate=...)``; the spill is removed on leaving, and a spill left by a
    process that died is removed by recover()."""

    def __init__(self, folder: Path, *, key: list[str], schema: pa.Schema) -> None:
        self.folder, self.key, self.schema = Path(folder), key, schema
        self.spill: Path | None = None
        self.blocks = 0
        # a block is written while the next one is read and checked (pyarrow's writer lets
        # go of the GIL); one block at a time, so the memory holds at most two
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spill")
        self.writing: Future | None = None

    def __enter__(self) -> MonthlyMerge:
        return self

    def __exit__(self, *exc) -> None:
        self.writer.shutdown(wait=True, cancel_futures=True)
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)

    def add(self, rows: pa.Table) -> None:
        """Spill a block of checked rows, one file per UTC month it covers."""
        if not rows.num_rows:
            return
        if self.spill is None:  # the folder is made once there is something to store
            self.folder.mkdir(parents=True, exist_ok=True)
            prefix = f"{INCOMING}{os.getpid()}-"
            self.spill = Path(tempfile.mkdtemp(prefix=prefix, dir=self.folder))
        ts = rows["ts_utc"]
        month = pc.add(pc.multiply(pc.year(ts), 100), pc.month(ts)).to_numpy()
        if (month[1:] < month[:-1]).any():  # one take, then a slice per month
            order = np.argsort(month, kind="stable")
            rows, month = rows.take(pa.array(order)), month[order]
        self._written()
        self.writing = self.writer.submit(self._write, rows, month, self.spill, self.blocks)
        self.blocks += 1

    def _written(self) -> None:
        """Wait for the block being written (its error, if any, is raised here)."""
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    @staticmethod
    def _write(rows: pa.Table, month: np.ndarray, spill: Path, block: int) -> None:
        starts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
        for start, end in zip(starts, np.r_[starts[1:], len(month)], strict=True):
            value = int(month[start])
            name = f"{value // 100:04d}-{value % 100:02d}"
            (spill / name).mkdir(exist_ok=True)
            # Parquet without compression (dictionaries only): DuckDB reads it itself, within
            # its memory cap — an Arrow IPC spill went through pyarrow's scanner, whose
            # read-ahead held about the whole month (600 MB for a month of 5 M rows)
            pq.write_table(
                rows.slice(start, end - start),
                spill / name / f"{block:06d}.parquet",
                compression="none",
            )

    def months(self) -> list[str]:
        self._written()
        if self.spill is None:
            return []
        return sorted(p.name for p in self.spill.iterdir() if p.is_dir() and p.name[0] != ".")

    def merge(
        self,
        *,
        on_duplicate: Callable[[int, int], None] | None = None,
        on_fraction: Callable[[float], None] | None = None,
        on_month: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> MergeResult:
        """Merge every spilled month into the folder; `on_duplicate(line, kept_line)` for each
        row of the file whose key a later line repeats; `on_month(con)` may query each month's
        new rows (the view ``fresh``, one row per key) before they are merged."""
        result = MergeResult()
        months = self.months()
        if not months:
            return result
        con = duckdb.connect(
            config={
                "memory_limit": MERGE_MEMORY,
                "threads": MERGE_THREADS,
                "temp_directory": str(self.spill / ".duckdb"),
            }
        )
        key = ", ".join(f'"{k}"' for k in self.key)
        values = [c for c in self.schema.names if c not in self.key]
        columns = ", ".join(f'"{c}"' for c in self.schema.names)
        with locked(self.folder):
            staging = self.folder / STAGING
            staging.mkdir()
            written: list[str] = []
            try:
                for done, month in enumerate(months, start=1):
                    target = self.folder / f"{month}.parquet"
                    changed = self._merge_month(
                        con,
                        month,
                        target,
                        staging,
                        key,
                        columns,
                        values,
                        result,
                        on_duplicate,
                        on_month,
                    )
                    if changed:
                        written.append(target.name)
                    if on_fraction is not None:
                        on_fraction(done / max(1, len(months)))
                con.close()
                swap_in(self.folder, staging, written)
            except BaseException:
                con.close()
                recover(self.folder)  # an error, not a kill: undo at once
                raise
        return result

    def _merge_month(
        self, con, month, target, staging, key, columns, values, result, on_duplicate, on_month
    ) -> bool:
        same = " AND ".join(f'n."{c}" IS NOT DISTINCT FROM o."{c}"' for c in values) or "true"
        spilled = con.read_parquet([str(p) for p in sorted((self.spill / month).glob("*.parquet"))])
        spilled.create_view("spilled", replace=True)
        parts = {
            "incoming": "spilled",
            "stored": f"read_parquet('{target}')",
            "key": key,
            "columns": columns,
            "same": same,
        }

        def sql(template: str) -> str:  # names and paths are ours (schema, spill, store)
            return Template(template).substitute(parts)

        repeated = con.execute(sql(MONTH_SQL["repeated_keys"])).fetchone()[0]
        if repeated:  # the later line of a key wins; the earlier ones are reported
            con.execute(sql(MONTH_SQL["repeated"]))
            if on_duplicate is not None:
                lines = con.execute(sql(MONTH_SQL["duplicates"]))
                while batch := lines.fetchmany(10_000):
                    for line, kept in batch:
                        on_duplicate(int(line), int(kept))
            con.execute(sql(MONTH_SQL["fresh_deduplicated"]))
        else:
            con.execute(sql(MONTH_SQL["fresh"]))
        if on_month is not None:
            on_month(con)
        if target.exists():
            inserted, unchanged, total = con.execute(sql(MONTH_SQL["compare"])).fetchone()
            result.inserted += inserted
            result.unchanged += unchanged
            result.replaced += total - inserted - unchanged
            if total == unchanged:
                return False
            query = sql(MONTH_SQL["merged"])
        else:
            query = sql(MONTH_SQL["new"])
        parts["query"], parts["staged"] = query, str(staging / target.name)
        # DuckDB writes the file itself, on every thread (the types are the schema's: a test
        # reads them back)
        rows = con.execute(sql(MONTH_SQL["write"])).fetchone()[0]
        if not target.exists():
            result.inserted += rows
        return True


#: MonthlyMerge's statements for one month ($incoming: its spilled rows, $stored: the month
#: file in the store).
MONTH_SQL = {
    "repeated_keys": "SELECT count(*) FROM (SELECT $key FROM $incoming GROUP BY ALL "
    "HAVING count(*) > 1)",
    "repeated": "CREATE OR REPLACE TEMP TABLE repeated AS SELECT $columns, _line, "
    "max(_line) OVER (PARTITION BY $key) AS _kept FROM $incoming SEMI JOIN "
    "(SELECT $key FROM $incoming GROUP BY ALL HAVING count(*) > 1) USING ($key)",
    "duplicates": "SELECT _line, _kept FROM repeated WHERE _line < _kept ORDER BY _line",
    "fresh_deduplicated": "CREATE OR REPLACE TEMP VIEW fresh AS SELECT $columns FROM $incoming "
    "ANTI JOIN repeated USING ($key) UNION ALL SELECT $columns FROM repeated "
    "WHERE _line = _kept",
    "fresh": "CREATE OR REPLACE TEMP VIEW fresh AS SELECT $columns FROM $incoming",
    "compare": "SELECT count(*) FILTER (WHERE o._stored IS NULL), "
    "count(*) FILTER (WHERE o._stored AND $same), count(*) FROM fresh n LEFT JOIN "
    "(SELECT *, true AS _stored FROM $stored) o USING ($key)",
    "merged": "SELECT $columns FROM (SELECT $columns FROM $stored o ANTI JOIN fresh n "
    "USING ($key) UNION ALL SELECT $columns FROM fresh) ORDER BY $key",
    "new": "SELECT $columns FROM fresh ORDER BY $key",
    "write": "COPY ($query) TO '$staged' (FORMAT parquet, COMPRESSION zstd)",
}
