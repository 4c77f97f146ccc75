"""What an import did: counts of rows and the quarantine of rows that could not be read.

Why a file or a row is refused is a code and its parameters (a file, a line's value, a column),
never a sentence: the web side writes it out in its reader's language (commune/mobility/texts.py
has a sentence for every code here). `describe()` gives the English one, for logs, the command
line and the pipeline's own tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Every code, in English (str.format with the parameters). A code is data kept by the web side
#: with each import: never rename or reuse one.
ENGLISH: dict[str, str] = {
    # a file that is not what its kind expects (ImportFormatError)
    "file_kind": "{file} is {found}, not {expected}.",
    "file_binary": "{file} is a binary file, not {expected}.",
    "file_json": "{file} looks like JSON, not {expected}.",
    "file_empty": "{file} is empty; expected {expected}.",
    "csv_unreadable": "{file} is not a readable CSV file: {detail}",
    "csv_columns": "{file}: missing column(s) {missing}; expected {expected}",
    "counts_columns": "{file}: missing column(s) {missing} for the {layout} counts layout; "
    "found: {found}. Expected a header such as site_id,timestamp,count "
    "(or set the column-mapping options).",
    "counts_wide_no_sites": "{file}: wide layout: no site columns besides the date and hour "
    "columns",
    "counts_options": "unknown counts options: {names}",
    "counts_layout": "unknown layout {layout!r}: expected 'long' or 'wide'",
    "sites_columns": "{file}: expected the columns id, name, kind and a position as lat,lon "
    "(WGS84) or e,n (LV95); found: {found}",
    "not_geojson": "{file} is not GeoJSON ({detail})",
    "sites_not_points": "{file}: expected a GeoJSON FeatureCollection of points",
    "zones_not_collection": "{file}: expected a GeoJSON FeatureCollection of zones",
    "zones_empty": "{file}: the FeatureCollection has no zones",
    "zone_without_id": "{file}: feature {feature} has no id or properties.zone_id",
    "zone_not_polygon": "{file}: zone {zone} is {found}, not a Polygon",
    "zone_invalid": "{file}: zone {zone} is not a valid polygon: {problem}",
    "zone_malformed": "{file}: zone {zone} has malformed coordinates",
    "archive_refused": "{file} cannot be imported: {detail}",
    "archive_damaged_member": "{file} is damaged: {name} cannot be read ({detail})",
    "gtfs_unreadable_zip": "{file} is not a readable GTFS zip ({detail}); expected a complete "
    ".zip with stops.txt, trips.txt, stop_times.txt and calendar.txt or calendar_dates.txt",
    "gtfs_member_unreadable": "{file}: {member} cannot be read ({detail})",
    "gtfs_no_calendar": "{file}: neither calendar.txt nor calendar_dates.txt",
    "gtfs_missing_table": "{file}: {table} is missing; a GTFS zip needs {table}",
    "gtfs_missing_columns": "{file}: {table} lacks column(s) {missing}",
    "gtfs_member_encoding": "{file}: {member} is not UTF-8 text ({encoding}); GTFS files are UTF-8",
    "gtfs_line_too_long": "{file}: {member}, line {line} is {length} bytes long; a timetable's "
    "lines are at most {limit} bytes",
    "gtfs_date_outside": "{file}: the timetable runs from {first} to {last}; {date} is outside it",
    "gtfs_no_service": "{file}: no trip runs on {date} (the timetable runs from {first} to {last})",
    "gtfs_no_stop_in_town": "{file}: none of its {stops} stops is within {km} km of the town "
    "(the nearest is {nearest} km away)",
    # what an import did besides its rows (ImportReport.notes)
    "gtfs_service_date": "departures of {date} (the timetable runs from {first} to {last})",
    "partial_hours": "{hours} hours of 15-minute data hold fewer than four quarters; their "
    "hourly volume is partial (e.g. {examples})",
    "quarantine_more": "{more} more rows were not imported for the same kinds of reasons (the "
    "first {kept} are listed)",
    "gtfs_stops_left_out": "{count} of {total} stops are more than {km} km from the town and "
    "were left out (e.g. {examples})",
    # why a polygon is not valid (analytics.geo), the {problem} of zone_invalid
    "no_rings": "the polygon has no rings",
    "ring_positions": "a ring needs at least 4 positions (got {count})",
    "ring_open": "the ring is not closed (its first and last positions differ)",
    "ring_flat": "the ring has zero area",
    "ring_crosses": "the ring crosses itself (edges {first} and {second})",
    "hole_outside": "hole {hole} is not inside the outer ring",
    # a row in quarantine (QuarantinedRow)
    "value_missing": "{column} is missing",
    "value_empty": "{column} is empty",
    "value_not_number": "{column} is not a number",
    "value_negative": "{column} is negative",
    "value_not_whole": "{column} is not a whole number",
    "value_too_large": "{column} is larger than {limit}",
    "duplicate_of": "duplicate of line {kept} (the later line is kept)",
    "duplicate": "duplicate row (the later line is kept)",
    "timestamp": "unreadable timestamp {value!r}: expected ISO 8601 (2024-03-31T02:00+01:00) "
    "or a local time",
    "local_time_missing": "local time does not exist in {tz} (clocks jump forward that day: "
    "the day has 23 hours)",
    "date_hour": "unreadable date/hour {date!r} {hour!r}: expected a date (2024-03-31 or "
    "31.03.2024) and an hour such as 6:00-6:59",
    "unknown_site": "unknown site {site}",
    "unknown_mode": "unknown mode {mode} (expected one of {expected})",
    "unknown_zone": "unknown zone in {column}: {zone}",
    "site_id_missing": "site id is missing",
    "unknown_kind": "unknown kind {kind} (expected one of {expected})",
    "position_outside": "site {site}: position {x}, {y} ({system}) is outside Switzerland",
    "position_missing": "site {site}: position missing: give lat and lon (WGS84) or e and n (LV95)",
    "not_a_point": "feature {feature} is {found}, not a Point",
    "departure_time": "stop_times.txt: unreadable departure_time {value!r}",
}
#: What a file was expected to be ({expected} above), and what it was instead ({found}).
EXPECTED = {
    "counts_csv": "a CSV file of counts (header site_id,timestamp,count or a wide layout)",
    "sites_csv": "a CSV file of sites (id,name,kind,lat,lon or e,n)",
    "presence_csv": "a CSV file of presence (zone_id,timestamp,count)",
    "od_csv": "a CSV file of OD trips (origin,destination,timestamp,trips)",
}
FOUND = {
    "zip": "a ZIP archive",
    "gzip": "a gzip archive",
    "pdf": "a PDF document",
    "parquet": "a Parquet file",
    "office": "an old Excel/Office document",
}


def describe(code: str, params: dict[str, Any]) -> str:
    """The English sentence for `code` with `params` (a polygon's problem written out too)."""
    values = dict(params)
    if isinstance(values.get("problem"), str) and values["problem"] in ENGLISH:
        problem = describe(values["problem"], {**params, "problem": None})
        in_hole = params.get("hole") and values["problem"].startswith("ring_")
        values["problem"] = f"hole {params['hole']}: {problem}" if in_hole else problem
    values["expected"] = EXPECTED.get(values.get("expected"), values.get("expected"))
    values["found"] = FOUND.get(values.get("found"), values.get("found"))
    return ENGLISH[code].format(**values)


class ImportFormatError(ValueError):
    """The whole file is unusable (wrong format, missing columns); nothing was imported.
    `code` says why and `params` where; str() is the English sentence."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = _plain(params)
        super().__init__(describe(code, self.params))


@dataclass
class QuarantinedRow:
    file: str
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Why, in English."""
        return describe(self.code, self.params)


@dataclass
class Note:
    """Something the importer did that its reader should know (a day chosen, stops left out)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """In English."""
        return describe(self.code, self.params)


#: The quarantined rows an import lists one by one; the others are counted.
QUARANTINE_KEPT = 10_000


@dataclass
class ImportReport:
    """Rows read, inserted, replaced (same key, new value) and unchanged; quarantined rows;
    notes on what the importer chose or left out."""

    file: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    rows_replaced: int = 0
    rows_unchanged: int = 0
    empty_cells: int = 0
    quarantine: list[QuarantinedRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: Rows refused past QUARANTINE_KEPT: counted, not listed (a file of millions of bad rows
    #: would otherwise fill the memory with its report).
    quarantine_more: int = 0

    def note(self, code: str, **params: Any) -> None:
        describe(code, params)  # as reject(): an unknown code fails at once
        self.notes.append(Note(code=code, params=_plain(params)))

    def reject(self, line: int, code: str, **params: Any) -> None:
        describe(code, params)  # an unknown code or a missing parameter fails here, at once
        if len(self.quarantine) >= QUARANTINE_KEPT:
            self.quarantine_more += 1
            return
        row = QuarantinedRow(file=self.file, line=int(line), code=code, params=_plain(params))
        self.quarantine.append(row)

    def finish(self) -> None:
        """The quarantine in line order, and a note saying how many rows were left unlisted."""
        self.quarantine.sort(key=lambda q: q.line)
        if self.quarantine_more:
            self.note("quarantine_more", more=self.quarantine_more, kept=len(self.quarantine))

    def to_dict(self) -> dict:
        return asdict(self)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as JSON keeps them (numpy and pandas scalars unwrapped, the rest as text)."""
    out = {}
    for name, value in params.items():
        value = value.item() if hasattr(value, "item") else value
        out[name] = value if isinstance(value, bool | int | float | str) else str(value)
    return out


BINARY_SIGNATURES = {
    b"PK\x03\x04": "zip",
    b"\x1f\x8b": "gzip",
    b"%PDF": "pdf",
    b"PAR1": "parquet",
    b"\xd0\xcf\x11\xe0": "office",
}


def refuse_unusable(name: str, head: bytes, *, expected: str) -> None:
    """Refuse a file whose first bytes show it is not text of the kind `expected` (a code of
    EXPECTED): an archive or a document, a binary, JSON, nothing at all."""
    for magic, what in BINARY_SIGNATURES.items():
        if head.startswith(magic):
            raise ImportFormatError("file_kind", file=name, found=what, expected=expected)
    if b"\x00" in head[:4096]:
        raise ImportFormatError("file_binary", file=name, expected=expected)
    text = head.decode("utf-8-sig", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        raise ImportFormatError("file_json", file=name, expected=expected)
    if not text.strip():
        raise ImportFormatError("file_empty", file=name, expected=expected)


def sniff_text(path: Path, *, expected: str) -> str:
    """Decode a text file, refusing binaries and JSON (refuse_unusable)."""
    raw = Path(path).read_bytes()
    refuse_unusable(Path(path).name, raw, expected=expected)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
