"""Reading large CSV files in chunks, so an import can report real progress as it reads.

`read_csv` reads the file by blocks of rows through one open handle and, after each block, tells
`on_fraction` the share of the file's lines read so far (the lines are counted beforehand in the
same pass that checks the encoding). Progress callbacks take a percent (0-100);
`Stages` splits that range between the steps of an import (reading, checking, storing).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics.ingest.report import ImportFormatError, refuse_unusable

Progress = Callable[[int], None]
CHUNK_ROWS = 200_000
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Stages:
    """Maps the fractions (0-1) of successive steps onto one increasing percent for `progress`.

    ``Stages(progress, read=60, check=10, store=30)``; ``stages.read(0.5)`` reports 30 %,
    ``stages.store(1.0)`` 100 %. Values never go back and repeated values are not sent twice.
    """

    def __init__(self, progress: Progress | None, **weights: int) -> None:
        self.progress = progress
        self.last = -1
        total = sum(weights.values())
        start = 0.0
        for name, weight in weights.items():
            setattr(self, name, self._step(start, weight / total * 100))
            start += weight / total * 100

    def _step(self, start: float, width: float) -> Callable[[float], None]:
        def report(fraction: float) -> None:
            self.send(start + width * max(0.0, min(1.0, fraction)))

        return report

    def send(self, percent: float) -> None:
        value = int(percent)
        if self.progress is not None and value > self.last:
            self.last = value
            self.progress(value)


def sniff_encoding(path: Path, *, expected: str) -> str:
    """Refuse binaries, JSON and empty files (`expected`: a code of report.EXPECTED); the
    file's encoding."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(UTF16_BOMS):  # Excel's "Unicode text": UTF-16 with its byte-order mark
        refuse_unusable(path.name, head.decode("utf-16").encode(), expected=expected)
        return "utf-16"
    refuse_unusable(path.name, head, expected=expected)
    return _encoding_and_lines(path)[0]


def _encoding_and_lines(path: Path) -> tuple[str, int]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding, lines = "utf-8-sig", 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            lines += block.count(b"\n")
            if encoding != "cp1252":
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1252"
    return encoding, lines


def header_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace") as fh:
        for line in fh:
            if line.strip():
                return line
    return ""


def read_csv(
    path: Path,
    *,
    sep: str,
    encoding: str,
    on_fraction: Callable[[float], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """All rows as strings, with ``_line`` (the data row's line, the header being line 1)."""
    total = max(1, _encoding_and_lines(path)[1] - 1) if on_fraction is not None else 1
    parts, rows = [], 0
    with open(path, "rb") as fh:
        try:
            reader = pd.read_csv(
                fh,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                encoding=encoding,
                chunksize=chunk_rows,
            )
            for part in reader:
                parts.append(part)
                rows += len(part)
                if on_fraction is not None:
                    on_fraction(rows / total)
        except (pd.errors.ParserError, ValueError) as exc:
            raise ImportFormatError("csv_unreadable", file=path.name, detail=exc) from exc
    if parts:
        frame = pd.concat(parts, ignore_index=True)
    else:  # a header without rows
        frame = pd.read_csv(path, sep=sep, dtype=str, nrows=0, encoding=encoding)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame["_line"] = frame.index + 2
    return frame


def _row_bytes(path: Path, encoding: str) -> int:
    """The average bytes of a line in the file's first 64 KiB (the size of a block of rows)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    unit = 2 if encoding.startswith("utf-16") else 1
    return max(8, len(head) // max(1, head.count(b"\n" if unit == 1 else b"\n\x00")))


def stream_csv(
    path: Path,
    *,
    sep: str,
    encoding: str,
    on_fraction: Callable[[float], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[list[str], pa.Table, int]]:
    """The file's rows as strings, block after block of about ``chunk_rows`` rows, never the
    whole file: (column names, rows, the line of its first row — the header is line 1).
    pyarrow parses each block on every core; `on_fraction` is told the share of lines read."""
    row_bytes = _row_bytes(path, encoding)
    lines = max(1, path.stat().st_size // row_bytes)  # about; the fraction is capped at 1
    block = min(64 << 20, max(1 << 12, row_bytes * chunk_rows))
    with open(path, "rb") as raw:
        names = _unique(_split_header(header_line(path, encoding).rstrip("\r\n"), sep))
        try:
            reader = pacsv.open_csv(
                raw,
                read_options=pacsv.ReadOptions(
                    encoding=_arrow_encoding(encoding),
                    block_size=block,
                    use_threads=True,
                    skip_rows=1,
                    column_names=names,
                ),
                parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            line = 2
            for batch in reader:
                table = pa.Table.from_batches([batch])
                if table.num_rows:
                    yield names, table, line
                    line += table.num_rows
                if on_fraction is not None:
                    on_fraction(min(1.0, (line - 2) / lines))
        except pa.ArrowInvalid as exc:
            raise ImportFormatError("csv_unreadable", file=path.name, detail=exc) from exc


def _split_header(header: str, sep: str) -> list[str]:
    """The header's column names, stripped (of a byte-order mark too) and unquoted."""
    names = next(csv.reader([header.lstrip("\ufeff")], delimiter=sep), [])
    return [name.strip() for name in names]


def _unique(names: list[str]) -> list[str]:
    """Column names as pyarrow takes them: a repeated name gets a suffix (the first one wins)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return out


def _arrow_encoding(encoding: str) -> str:
    return {"utf-8-sig": "utf8", "utf-8": "utf8"}.get(encoding, encoding)
