"""Benchmark of the counts import: our streaming importer against DuckDB's own read_csv ->
Parquet, on the same generated CSV, each in a child process of its own.

    .venv/bin/python bench/imports.py                  # 3 M rows
    .venv/bin/python bench/imports.py --rows 10_000_000
    .venv/bin/python bench/imports.py --rows 10_000_000 --one-month   # a canton's month

Writes a CSV of `rows` hourly counts (sites x hours, ISO local times, as towns deliver them)
into a temporary folder, then runs, one after the other in a fresh Python each:

1. ours: analytics.ingest.counts.import_counts into an empty store (read, checked row by row
   with the quarantine, spilled by month, merged into month partitions);
2. ours again on the same store (a re-import: every row compared with the stored one);
3. DuckDB alone: read_csv with explicit types -> one Parquet file (no checks, no merge).

Prints rows/s and the child's peak RSS (VmHWM, read from /proc by the child itself at its end).
Never fails on time: the targets (>= 500,000 rows/s on 2 cores, < 500 MB) are printed beside.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
what, csv, store = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
if what == "ours":
    from analytics.ingest.counts import import_counts
    report = import_counts(csv, root=store, municipality_id=1, tz="Europe/Zurich")
    rows = report.rows_read
    extra = {{"imported": report.rows_imported, "unchanged": report.rows_unchanged,
              "quarantined": len(report.quarantine) + report.quarantine_more}}
else:
    import duckdb
    con = duckdb.connect(config={{"threads": 2, "memory_limit": "400MB"}})
    con.execute(
        "COPY (SELECT * FROM read_csv(?, header=true, columns={{'site_id': 'VARCHAR', "
        "'timestamp': 'TIMESTAMP', 'count': 'BIGINT'}})) TO '" + store + "/duckdb.parquet' "
        "(FORMAT parquet, COMPRESSION zstd)", [csv])
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [store + "/duckdb.parquet"])
    rows = rows.fetchone()[0]
    extra = {{}}
took = time.perf_counter() - t
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({{"rows": rows, "seconds": took, "peak_mb": hwm / 1024, **extra}}))
"""


def generate(path: Path, rows: int, *, one_month: bool = False) -> None:
    """Sites x hours of 2025 (a year of each site), or with `one_month` as many sites as it
    takes to fill one month (April: 720 hours, no change of time) — a canton's month."""
    import numpy as np
    import pandas as pd

    first, span = ("2025-04-01", 720) if one_month else ("2025-01-01", 8760)
    sites = max(1, rows // span)
    hours = -(-rows // sites)
    stamps = pd.date_range(first, periods=hours, freq="h").strftime("%Y-%m-%d %H:%M")
    stamps = stamps.to_numpy()
    rng = np.random.default_rng(1)
    written = 0
    with open(path, "w") as out:
        out.write("site_id,timestamp,count\n")
        for site in range(sites):
            n = min(hours, rows - written)
            if n <= 0:
                break
            counts = rng.integers(0, 900, n)
            out.write(
                "".join(f"S{site:05d},{s},{c}\n" for s, c in zip(stamps[:n], counts, strict=True))
            )
            written += n


def run(what: str, csv: Path, store: Path) -> dict:
    code = CHILD.format(root=str(ROOT))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, what, str(csv), str(store)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=3_000_000)
    parser.add_argument(
        "--one-month",
        action="store_true",
        help="all the rows in one month (many sites): the memory of a large month's merge",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        folder = Path(tmp)
        csv = folder / "counts.csv"
        t = time.perf_counter()
        generate(csv, args.rows, one_month=args.one_month)
        size = csv.stat().st_size
        print(
            f"generated {args.rows:,} rows ({size / 2**20:.0f} MiB"
            f"{', one month' if args.one_month else ''}) in "
            f"{time.perf_counter() - t:.0f} s; {os.cpu_count()} cores"
        )
        (folder / "store").mkdir()
        (folder / "duck").mkdir()
        results = [
            ("ours: import into an empty store", run("ours", csv, folder / "store")),
            ("ours: the same file again (compared)", run("ours", csv, folder / "store")),
            ("DuckDB read_csv -> Parquet alone", run("duckdb", csv, folder / "duck")),
        ]
        print(f"\n{'':40} {'rows/s':>12} {'seconds':>9} {'peak RSS':>10}")
        for label, r in results:
            rate = r["rows"] / r["seconds"]
            print(f"{label:40} {rate:>12,.0f} {r['seconds']:>9.1f} {r['peak_mb']:>7.0f} MB")
        print("\ntargets: >= 500,000 rows/s on 2 cores, peak RSS < 500 MB whatever the size")
        first, again = results[0][1], results[1][1]
        print(
            f"first import: {first['imported']:,} rows imported, {first['quarantined']:,} in "
            f"quarantine; again: {again['imported']:,} imported, {again['unchanged']:,} unchanged"
        )


if __name__ == "__main__":
    main()
