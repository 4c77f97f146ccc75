"""Reading large CSV files in chunks, so an import can report real progress as it reads.

`read_csv` reads the file by blocks of rows through one open handle and, after each block, tells
`on_fraction` the share of the file's lines read so far (the lines are counted beforehand in the
same pass that checks the encoding). Progress callbacks take a percent (0-100);
`Stages` splits that range between the steps of an import (reading, checking, storing).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pandas as pd

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
