"""Which character separates the columns of a delimited text file from outside (CSV with
commas, semicolons as Excel writes them in Switzerland, tabs, pipes): decided here only, for the
upload check (commune/core/uploads.py) and for every importer (analytics/ingest)."""

from __future__ import annotations

DELIMITERS = (",", ";", "\t", "|")


def guess_delimiter(header: str) -> str:
    """The candidate found most often in the header line; on a tie the first of DELIMITERS, so
    a header with none (a single column) is read as comma-separated."""
    return max(DELIMITERS, key=header.count)


def is_delimited(line: str) -> bool:
    """Whether the line holds any of the delimiters (a first line that looks like a CSV's)."""
    return any(delimiter in line for delimiter in DELIMITERS)
