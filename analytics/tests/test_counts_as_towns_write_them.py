"""Counts files as towns have them (issue 9): Excel's "Unicode text" (UTF-16 with its BOM,
tab-separated), thousands grouped with an apostrophe (1'200) or a space, decimal commas."""

from __future__ import annotations

import pandas as pd

from analytics.engines import dataset_dir
from analytics.ingest.counts import import_counts

ROWS = [
    ("A1", "2026-03-17T08:00:00+01:00", "1'200"),
    ("A1", "2026-03-17T09:00:00+01:00", "1’250"),
    ("A1", "2026-03-17T10:00:00+01:00", "1 300"),
    ("A1", "2026-03-17T11:00:00+01:00", "12'00"),  # not a grouping: refused
]


def stored(root) -> dict[str, int]:
    frame = pd.read_parquet(dataset_dir(root, 1, "counts"))
    return dict(zip(frame.ts_utc.dt.strftime("%H:%M"), frame["count"], strict=True))


def test_an_excel_unicode_text_export_with_apostrophe_thousands_is_read(tmp_path):
    # given Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated
    path = tmp_path / "comptages.txt"
    lines = ["site_id\ttimestamp\tcount", *("\t".join(r) for r in ROWS)]
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    # when
    report = import_counts(path, root=tmp_path, municipality_id=1)
    # then three counts stored, the ambiguous one refused with its line
    assert stored(tmp_path) == {"07:00": 1200, "08:00": 1250, "09:00": 1300}
    assert [(q.line, q.code) for q in report.quarantine] == [(5, "value_not_number")]


def test_a_semicolon_file_with_decimal_commas_and_grouped_thousands_is_read(tmp_path):
    path = tmp_path / "comptages.csv"
    path.write_text(
        "site_id;timestamp;count\n"
        "A1;2026-03-17T08:00:00+01:00;1'200,0\n"
        "A1;2026-03-17T09:00:00+01:00;100,0\n"
    )
    report = import_counts(path, root=tmp_path, municipality_id=1, options={"decimal": ","})
    assert stored(tmp_path) == {"07:00": 1200, "08:00": 100}
    assert report.quarantine == []
