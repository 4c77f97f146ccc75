"""Counting sites (loops, radar, cameras, bicycle and pedestrian counters) -> ``counts`` dataset.

Long layout (default): ``site_id,timestamp,count`` plus optional ``direction``, ``mode``, ``lane``.
Wide layout: a date column, an hour column (``6:00-6:59``, ``6`` or ``06:00``) and one count
column per site. :class:`CountsOptions` maps other column names, the delimiter and the decimal
mark. A count is whole, not negative and within what the column stores (numbers.py). Stored
key: site_id + ts_utc + direction + mode + lane; a re-import replaces a stored value for the
same key (the corrected delivery wins) and leaves identical rows untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.engines import dataset_dir
from analytics.ingest.chunks import (
    Progress,
    Stages,
    header_line,
    sniff_encoding,
    stream_csv,
)
from analytics.ingest.count_rows import Checker, CountsOptions, long_rows, wide_rows
from analytics.ingest.partial_hours import PartialHours
from analytics.ingest.report import ImportFormatError, ImportReport
from analytics.monthly_merge import MonthlyMerge
from untrusted.delimiters import guess_delimiter

__all__ = ["CHUNK_ROWS", "KEY", "SCHEMA", "CountsOptions", "import_counts", "parse_counts"]

KEY = ["site_id", "ts_utc", "direction", "mode", "lane"]
SCHEMA = pa.schema(
    [
        ("site_id", pa.string()),
        ("ts_utc", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("count", pa.int64()),
        ("direction", pa.string()),
        ("mode", pa.string()),
        ("lane", pa.string()),
    ]
)
#: Rows read, checked and spilled at a time: a block of a few tens of MB.
CHUNK_ROWS = 100_000


def _require(frame: pd.DataFrame, columns: list[str], path: Path, layout: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = ", ".join(c for c in frame.columns if c != "_line")
        raise ImportFormatError(
            "counts_columns",
            file=path.name,
            missing=", ".join(missing),
            layout=layout,
            found=found,
        )


def parse_counts(
    path: Path,
    *,
    tz: str,
    options: CountsOptions,
    known_sites,
    report: ImportReport,
    on_fraction=None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pa.Table]:
    """Read and check a counts file block after block (never the whole file): yields the good
    rows of each block (SCHEMA plus ``_line``); bad rows go to ``report.quarantine``.
    Duplicates across blocks are found when the blocks are merged (analytics.store)."""
    encoding = sniff_encoding(path, expected="counts_csv")
    sep = options.delimiter or guess_delimiter(header_line(path, encoding))
    if options.layout not in ("long", "wide"):
        raise ImportFormatError("counts_layout", layout=options.layout)
    checker = Checker(tz=tz, options=options, known_sites=known_sites, report=report)
    blocks = stream_csv(
        path, sep=sep, encoding=encoding, on_fraction=on_fraction, chunk_rows=chunk_rows
    )
    checked = False
    for names, table, first_line in blocks:
        if not checked:
            frame = pd.DataFrame(columns=names)
            if options.layout == "wide":
                _require(frame, [options.date, options.hour], path, "wide")
            else:
                _require(frame, [options.site, options.timestamp, options.count], path, "long")
            checked = True
        if options.layout == "wide":
            before = len(report.quarantine) + report.quarantine_more
            rows = wide_rows(table, options, first_line, report, path)
            report.rows_read += len(report.quarantine) + report.quarantine_more - before
        else:
            rows = long_rows(table, options, first_line)
        report.rows_read += rows.num_rows
        if rows.num_rows:
            yield checker.check(rows)


def import_counts(
    path: str | Path,
    *,
    root: str | Path,
    municipality_id: int | str,
    tz: str = "Europe/Zurich",
    options: CountsOptions | dict | None = None,
    known_sites=None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import a counts CSV into ``<root>/<municipality_id>/counts``; see the module docstring.

    The file is read by blocks of about ``chunk_rows`` rows, each checked and spilled to
    Parquet per month, then every month is merged into the store at once (all or nothing):
    the memory used does not grow with the file. ``progress`` is called with a growing
    percent as the file is read and checked, then stored (one month partition after another)."""
    path = Path(path)
    if not isinstance(options, CountsOptions):
        options = CountsOptions.from_dict(options)
    stages = Stages(progress, read=70, store=30)
    stages.read(0)
    report = ImportReport(file=path.name)
    folder = dataset_dir(root, municipality_id, "counts")
    quarterly = False  # a time off the hour: 15-minute data, whose hours may be partial
    with MonthlyMerge(folder, key=KEY, schema=SCHEMA) as merge:
        for rows in parse_counts(
            path,
            tz=tz,
            options=options,
            known_sites=known_sites,
            report=report,
            on_fraction=stages.read,
            chunk_rows=chunk_rows,
        ):
            merge.add(rows)
            quarterly = quarterly or pc.any(pc.not_equal(pc.minute(rows["ts_utc"]), 0)).as_py()
        stages.read(1.0)

        def duplicate(line: int, kept: int) -> None:
            report.reject(line, "duplicate_of", kept=kept)

        quarters = PartialHours()
        merged = merge.merge(
            on_duplicate=duplicate,
            on_fraction=stages.store,
            on_month=quarters.check if quarterly else None,
        )
    quarters.note(report, tz)
    report.rows_imported = merged.inserted
    report.rows_replaced = merged.replaced
    report.rows_unchanged = merged.unchanged
    report.finish()
    stages.store(1.0)
    return report
