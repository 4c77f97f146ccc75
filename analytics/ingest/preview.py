"""What a counts file looks like before it is imported: its encoding, separator, decimal mark
and date format as detected, the importer's columns matched to the file's header by name
(French, German, Italian and English words), and its first rows read exactly as the import
will read them (counts.parse_counts on those rows), each with the reason it would be refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from analytics.ingest.chunks import header_line, sniff_encoding
from analytics.ingest.counts import CountsOptions, parse_counts
from analytics.ingest.report import ImportReport, QuarantinedRow
from untrusted.delimiters import guess_delimiter

ROWS = 20
#: The importer's columns (CountsOptions) and header words that name them, most telling first.
FIELDS: dict[str, tuple[str, ...]] = {
    "site": (
        "site_id",
        "site",
        "siteid",
        "id",
        "station",
        "compteur",
        "counter",
        "counterid",
        "zaehlstelle",
        "zahlstelle",
        "messstelle",
        "standort",
        "capteur",
        "sensor",
        "poste",
        "location",
        "stazione",
        "postazione",
        "sito",
    ),
    "timestamp": (
        "timestamp",
        "datetime",
        "date_time",
        "dateheure",
        "horodatage",
        "zeitstempel",
        "zeitpunkt",
        "datumzeit",
        "datum",
        "date",
        "time",
        "heure",
        "zeit",
        "data",
        "ora",
        "periode",
        "period",
        "start",
        "debut",
        "von",
        "from",
        "interval",
    ),
    "count": (
        "count",
        "counts",
        "comptage",
        "nombre",
        "anzahl",
        "volume",
        "value",
        "valeur",
        "wert",
        "total",
        "vehicles",
        "vehicules",
        "fahrzeuge",
        "passages",
        "conteggio",
        "numero",
        "n",
    ),
    "direction": ("direction", "richtung", "sens", "dir", "direzione", "fahrtrichtung"),
    "mode": (
        "mode",
        "type",
        "class",
        "classe",
        "categorie",
        "category",
        "kategorie",
        "fahrzeugtyp",
        "vehicle_type",
        "vehicletype",
        "modalita",
        "verkehrsmittel",
    ),
    "lane": ("lane", "voie", "fahrstreifen", "spur", "corsia"),
}
REQUIRED = ("site", "timestamp", "count")
_ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_ISO_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")
_SWISS = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+(['’ ]\d{3})*,\d+$")


@dataclass
class PreviewRow:
    line: int
    cells: list[str]
    site: str = ""
    ts_utc: dt.datetime | None = None
    count: int | None = None
    problem: QuarantinedRow | None = None


@dataclass
class Preview:
    """The detected formats, the mapping (importer column -> file column, "" when none) and
    the first rows: as written (`cells`, by the file's columns) and as read."""

    encoding: str
    delimiter: str
    decimal: str
    date_format: str  # "iso_offset", "iso_local", "swiss_local" or "unknown"
    columns: list[str]
    mapping: dict[str, str]
    rows: list[PreviewRow] = field(default_factory=list)
    detected: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED if not self.mapping.get(name)]

    def options(self) -> dict:
        """The importer's options (CountsOptions) for these settings."""
        out = {"delimiter": self.delimiter, "decimal": self.decimal}
        for name, column in self.mapping.items():
            if column:
                out[name] = column
        return out


def _word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9_]", "", plain.replace(" ", "_").replace("-", "_"))


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Each importer column matched to a file column by its name: an exact word first, then a
    header that contains one; a file column is used once."""
    words = {column: _word(column) for column in columns}
    taken: set[str] = set()
    mapping = dict.fromkeys(FIELDS, "")
    for exact in (True, False):
        for name, synonyms in FIELDS.items():
            if mapping[name]:
                continue
            for synonym in synonyms:
                found = [
                    c
                    for c in columns
                    if c not in taken
                    and (
                        words[c] == synonym
                        or (not exact and len(synonym) > 3 and synonym in words[c])
                    )
                ]
                if found:
                    mapping[name] = found[0]
                    taken.add(found[0])
                    break
    return mapping


def _date_format(values: list[str]) -> str:
    values = [v.strip() for v in values if v.strip()]
    for name, pattern in (
        ("iso_offset", _ISO_OFFSET),
        ("iso_local", _ISO_LOCAL),
        ("swiss_local", _SWISS),
    ):
        if values and all(pattern.match(v) for v in values):
            return name
    return "unknown"


def _head(path: Path, encoding: str, rows: int) -> list[str]:
    lines = []
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        for line in fh:
            if line.strip():
                lines.append(line.rstrip("\r\n"))
            if len(lines) > rows:
                break
    return lines


def preview_counts(
    path: str | Path,
    *,
    tz: str = "Europe/Zurich",
    delimiter: str | None = None,
    decimal: str | None = None,
    mapping: dict[str, str] | None = None,
    known_sites=None,
    rows: int = ROWS,
) -> Preview:
    """The preview of a counts file (see the module); `delimiter`, `decimal` and `mapping`
    override what is detected. Raises ImportFormatError for a file that is no CSV at all."""
    path = Path(path)
    encoding = sniff_encoding(path, expected="counts_csv")
    detected_sep = guess_delimiter(header_line(path, encoding))
    sep = delimiter or detected_sep
    lines = _head(path, encoding, rows)
    table = list(csv.reader(lines, delimiter=sep))
    columns = [c.strip().lstrip("\ufeff") for c in (table[0] if table else [])]
    body = table[1:]
    guessed = guess_mapping(columns)
    chosen = {name: (mapping or {}).get(name, guessed[name]) for name in FIELDS}
    chosen = {name: (col if col in columns else "") for name, col in chosen.items()}

    def values(name: str) -> list[str]:
        if not chosen.get(name):
            return []
        index = columns.index(chosen[name])
        return [r[index] for r in body if index < len(r)]

    counts = values("count")
    detected_decimal = (
        "," if sep != "," and any(_DECIMAL_COMMA.match(v.strip()) for v in counts) else "."
    )
    preview = Preview(
        encoding=encoding,
        delimiter=sep,
        decimal=decimal or detected_decimal,
        date_format=_date_format(values("timestamp")),
        columns=columns,
        mapping=chosen,
        detected={"delimiter": detected_sep, "decimal": detected_decimal},
    )
    preview.rows = [
        PreviewRow(line=i + 2, cells=[*r, *[""] * (len(columns) - len(r))][: len(columns)])
        for i, r in enumerate(body)
    ]
    if preview.missing or not body:
        return preview
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / path.name
        sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = ImportReport(file=path.name)
        options = CountsOptions.from_dict(preview.options())
        by_line = {row.line: row for row in preview.rows}
        for good in parse_counts(
            sample, tz=tz, options=options, known_sites=known_sites, report=report
        ):
            for item in good.to_pylist():
                row = by_line.get(item["_line"])
                if row is not None:
                    row.site = item["site_id"]
                    row.ts_utc = item["ts_utc"]
                    row.count = item["count"]
        for problem in report.quarantine:
            if problem.line in by_line:
                by_line[problem.line].problem = problem
    return preview
