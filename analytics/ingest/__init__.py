"""Importers: each reads one documented source format into the Parquet store.

Every importer returns an :class:`ImportReport`; unreadable rows go to its quarantine list
(file, line, reason) and the rest is imported. A file that is not in the expected format at all
raises :class:`ImportFormatError` with a message saying what was expected.
"""

from analytics.ingest.report import ImportFormatError, ImportReport, QuarantinedRow

__all__ = ["ImportFormatError", "ImportReport", "QuarantinedRow"]
