"""What an import did: counts of rows and the quarantine of rows that could not be read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


class ImportFormatError(ValueError):
    """The whole file is unusable (wrong format, missing columns); nothing was imported."""


@dataclass
class QuarantinedRow:
    file: str
    line: int
    reason: str


@dataclass
class ImportReport:
    """Rows read, inserted, replaced (same key, new value) and unchanged; quarantined rows."""

    file: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    rows_replaced: int = 0
    rows_unchanged: int = 0
    empty_cells: int = 0
    quarantine: list[QuarantinedRow] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.quarantine.append(QuarantinedRow(file=self.file, line=int(line), reason=reason))

    def to_dict(self) -> dict:
        return asdict(self)


BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office document",
}


def sniff_text(path: Path, *, expected: str) -> str:
    """Decode a text file, refusing binaries and JSON with a message naming what was expected."""
    raw = Path(path).read_bytes()
    for magic, what in BINARY_SIGNATURES.items():
        if raw.startswith(magic):
            raise ImportFormatError(f"{Path(path).name} is {what}, not {expected}.")
    if b"\x00" in raw[:4096]:
        raise ImportFormatError(f"{Path(path).name} is a binary file, not {expected}.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        raise ImportFormatError(f"{Path(path).name} looks like JSON, not {expected}.")
    if not text.strip():
        raise ImportFormatError(f"{Path(path).name} is empty; expected {expected}.")
    return text
