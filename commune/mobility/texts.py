"""The observatory's stored sentences: why an import failed, why a row of it went to the
quarantine, why an evaluation failed. The pipeline (analytics.ingest) says why by a code and
its parameters, never in words; the web side stores them (DataImport.quarantine,
BackgroundJob.error_key/error_params) and writes them out here when someone reads them, in the
reader's language (as permits/models/texts.py does for findings).

Every code of analytics.ingest.report.ENGLISH has its sentence here (a test checks it). A key
is data in the database: never rename or reuse one.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commune.core.archives import archive_refusal_message
from commune.core.texts import Sentence, Writer, render_from
from commune.core.uploads import file_size
from untrusted.archives import ArchiveRefused

#: What a file was expected to be, and what it was instead (analytics.ingest.report).
EXPECTED = {
    "counts_csv": gettext_lazy(
        "a CSV file of counts (header site_id,timestamp,count or a wide layout)"
    ),
    "sites_csv": gettext_lazy("a CSV file of sites (id,name,kind,lat,lon or e,n)"),
    "presence_csv": gettext_lazy("a CSV file of presence (zone_id,timestamp,count)"),
    "od_csv": gettext_lazy("a CSV file of OD trips (origin,destination,timestamp,trips)"),
}
FOUND = {
    "zip": gettext_lazy("a ZIP archive"),
    "gzip": gettext_lazy("a gzip archive"),
    "pdf": gettext_lazy("a PDF document"),
    "parquet": gettext_lazy("a Parquet file"),
    "office": gettext_lazy("an old Excel/Office document"),
}
KIND_LABELS = (("expected", EXPECTED), ("found", FOUND))


def _archive(params: dict[str, Any]) -> str:
    """An archive refused by untrusted.archives, as core.archives says it."""
    figures = {k: v for k, v in params.items() if k not in {"code", "file", "detail", "refusal"}}
    refusal = ArchiveRefused(params.get("refusal", "damaged"), "", **figures)
    return archive_refusal_message(refusal)


def _inner(params: dict[str, Any], key: str) -> str:
    """The sentence of the code ``params[key]``, written with the same parameters (a refusal
    quoting the pipeline's reason, a zone quoting the polygon's fault)."""
    return render(params.get(key, ""), params, fallback=params.get("detail", ""))


def _zone_invalid(params: dict[str, Any]) -> str:
    problem = _inner(params, "problem")
    if params.get("hole") and str(params.get("problem", "")).startswith("ring_"):
        problem = _("hole %(hole)s: %(problem)s") % {"hole": params["hole"], "problem": problem}
    return _("%(file)s: zone %(zone)s is not a valid polygon: %(problem)s") % {
        **params,
        "problem": problem,
    }


def _refused(params: dict[str, Any]) -> str:
    """An import the pipeline refused: its code's sentence, in the import's words."""
    return _("The file could not be imported: %(e)s") % {"e": _inner(params, "code")}


def _unavailable(params: dict[str, Any]) -> str:
    # the label of the import's kind (the model is read from the registry: models.py reads
    # this module to write its messages out)
    kinds = apps.get_model("mobility", "DataImport").Kind
    label = kinds(params["kind"]).label if params.get("kind") in kinds.values else ""
    return _("This kind of file cannot be imported yet: %(k)s") % {"k": label}


def _memory(params: dict[str, Any]) -> str:
    limit = file_size(params.get("limit", settings.IMPORT_MEMORY_LIMIT_BYTES))
    return _(
        "The import needed more memory than the %(limit)s an import may use, and was stopped; "
        "split the file into smaller ones."
    ) % {"limit": limit}


SENTENCES: dict[str, Writer] = {
    # why the pipeline refused a whole file (analytics ImportFormatError codes)
    "file_kind": Sentence(
        gettext_lazy("%(file)s is %(found)s, not %(expected)s."), labels=KIND_LABELS
    ),
    "file_binary": Sentence(
        gettext_lazy("%(file)s is a binary file, not %(expected)s."), labels=KIND_LABELS
    ),
    "file_json": Sentence(
        gettext_lazy("%(file)s looks like JSON, not %(expected)s."), labels=KIND_LABELS
    ),
    "file_empty": Sentence(
        gettext_lazy("%(file)s is empty; expected %(expected)s."), labels=KIND_LABELS
    ),
    "csv_unreadable": Sentence(gettext_lazy("%(file)s is not a readable CSV file: %(detail)s")),
    "csv_columns": Sentence(
        gettext_lazy("%(file)s: missing column(s) %(missing)s; expected %(expected)s")
    ),
    "counts_columns": Sentence(
        gettext_lazy(
            "%(file)s: missing column(s) %(missing)s for the %(layout)s counts layout; found: "
            "%(found)s. Expected a header such as site_id,timestamp,count (or set the "
            "column-mapping options)."
        )
    ),
    "counts_wide_no_sites": Sentence(
        gettext_lazy("%(file)s: wide layout: no site columns besides the date and hour columns")
    ),
    "counts_options": Sentence(gettext_lazy("Unknown options for counts: %(names)s")),
    "counts_layout": Sentence(
        gettext_lazy("Unknown layout “%(layout)s”: choose “long” or “wide”.")
    ),
    "sites_columns": Sentence(
        gettext_lazy(
            "%(file)s: expected the columns id, name, kind and a position as lat,lon (WGS84) "
            "or e,n (LV95); found: %(found)s"
        )
    ),
    "not_geojson": Sentence(gettext_lazy("%(file)s is not GeoJSON (%(detail)s)")),
    "sites_not_points": Sentence(
        gettext_lazy("%(file)s: expected a GeoJSON FeatureCollection of points")
    ),
    "zones_not_collection": Sentence(
        gettext_lazy("%(file)s: expected a GeoJSON FeatureCollection of zones")
    ),
    "zones_empty": Sentence(gettext_lazy("%(file)s: the FeatureCollection has no zones")),
    "zone_without_id": Sentence(
        gettext_lazy("%(file)s: feature %(feature)s has no id or properties.zone_id")
    ),
    "zone_not_polygon": Sentence(
        gettext_lazy("%(file)s: zone %(zone)s is %(found)s, not a Polygon")
    ),
    "zone_invalid": _zone_invalid,
    "zone_malformed": Sentence(gettext_lazy("%(file)s: zone %(zone)s has malformed coordinates")),
    "archive_refused": _archive,
    "archive_damaged_member": _archive,
    "gtfs_unreadable_zip": _archive,
    "gtfs_member_unreadable": Sentence(
        gettext_lazy("%(file)s: %(member)s cannot be read (%(detail)s)")
    ),
    "gtfs_no_calendar": Sentence(
        gettext_lazy("%(file)s: neither calendar.txt nor calendar_dates.txt")
    ),
    "gtfs_missing_table": Sentence(
        gettext_lazy("%(file)s: %(table)s is missing; a GTFS zip needs %(table)s")
    ),
    "gtfs_missing_columns": Sentence(
        gettext_lazy("%(file)s: %(table)s lacks column(s) %(missing)s")
    ),
    "gtfs_member_encoding": Sentence(
        gettext_lazy(
            "%(file)s: %(member)s is not UTF-8 text (%(encoding)s); a GTFS timetable is "
            "written in UTF-8: save the file again as UTF-8."
        )
    ),
    "gtfs_line_too_long": Sentence(
        gettext_lazy(
            "%(file)s: %(member)s, line %(line)s is %(length)s bytes long; a timetable's lines "
            "are at most %(limit)s bytes."
        )
    ),
    "gtfs_date_outside": Sentence(
        gettext_lazy(
            "%(file)s: the timetable runs from %(first)s to %(last)s; %(date)s is outside it. "
            "Choose a service date in that range."
        ),
        dates=("first", "last", "date"),
    ),
    "gtfs_no_service": Sentence(
        gettext_lazy(
            "%(file)s: no trip runs on %(date)s (the timetable runs from %(first)s to %(last)s)."
        ),
        dates=("first", "last", "date"),
    ),
    "gtfs_no_stop_in_town": Sentence(
        gettext_lazy(
            "%(file)s: none of its %(stops)s stops is within %(km)s km of the town (the nearest "
            "is %(nearest)s km away): this timetable is not the town's."
        )
    ),
    # what an import did besides its rows (DataImport.notes)
    "gtfs_service_date": Sentence(
        gettext_lazy("Departures of %(date)s (the timetable runs from %(first)s to %(last)s)."),
        dates=("first", "last", "date"),
    ),
    "gtfs_stops_left_out": Sentence(
        gettext_lazy(
            "%(count)s of %(total)s stops are more than %(km)s km from the town and were left "
            "out (e.g. %(examples)s)."
        )
    ),
    # why a polygon is not valid (analytics.geo), inside zone_invalid
    "no_rings": Sentence(gettext_lazy("the polygon has no rings")),
    "ring_positions": Sentence(gettext_lazy("a ring needs at least 4 positions (got %(count)s)")),
    "ring_open": Sentence(
        gettext_lazy("the ring is not closed (its first and last positions differ)")
    ),
    "ring_flat": Sentence(gettext_lazy("the ring has zero area")),
    "ring_crosses": Sentence(
        gettext_lazy("the ring crosses itself (edges %(first)s and %(second)s)")
    ),
    "hole_outside": Sentence(gettext_lazy("hole %(hole)s is not inside the outer ring")),
    # why a row went to the quarantine (analytics QuarantinedRow codes)
    "value_missing": Sentence(gettext_lazy("%(column)s is missing")),
    "value_empty": Sentence(gettext_lazy("%(column)s is empty")),
    "value_not_number": Sentence(gettext_lazy("%(column)s is not a number")),
    "value_negative": Sentence(gettext_lazy("%(column)s is negative")),
    "value_not_whole": Sentence(gettext_lazy("%(column)s is not a whole number")),
    "value_too_large": Sentence(gettext_lazy("%(column)s is larger than %(limit)s")),
    "partial_hours": Sentence(
        gettext_lazy(
            "%(hours)s hours of 15-minute data hold fewer than four quarters; their hourly "
            "volume is partial (e.g. %(examples)s)"
        )
    ),
    "quarantine_more": Sentence(
        gettext_lazy(
            "%(more)s more rows were not imported for the same kinds of reasons (the first "
            "%(kept)s are listed)"
        )
    ),
    "duplicate_of": Sentence(gettext_lazy("duplicate of line %(kept)s (the later line is kept)")),
    "duplicate": Sentence(gettext_lazy("duplicate row (the later line is kept)")),
    "timestamp": Sentence(
        gettext_lazy(
            "unreadable timestamp “%(value)s”: expected ISO 8601 (2024-03-31T02:00+01:00) or a "
            "local time"
        )
    ),
    "local_time_missing": Sentence(
        gettext_lazy(
            "local time does not exist in %(tz)s (clocks jump forward that day: the day has 23 "
            "hours)"
        )
    ),
    "date_hour": Sentence(
        gettext_lazy(
            "unreadable date/hour “%(date)s” “%(hour)s”: expected a date (2024-03-31 or "
            "31.03.2024) and an hour such as 6:00-6:59"
        )
    ),
    "unknown_site": Sentence(gettext_lazy("unknown site %(site)s")),
    "unknown_mode": Sentence(gettext_lazy("unknown mode %(mode)s (expected one of %(expected)s)")),
    "unknown_zone": Sentence(gettext_lazy("unknown zone in %(column)s: %(zone)s")),
    "site_id_missing": Sentence(gettext_lazy("site id is missing")),
    "unknown_kind": Sentence(gettext_lazy("unknown kind %(kind)s (expected one of %(expected)s)")),
    "position_outside": Sentence(
        gettext_lazy("site %(site)s: position %(x)s, %(y)s (%(system)s) is outside Switzerland")
    ),
    "position_missing": Sentence(
        gettext_lazy("site %(site)s: position missing: give lat and lon (WGS84) or e and n (LV95)")
    ),
    "not_a_point": Sentence(gettext_lazy("feature %(feature)s is %(found)s, not a Point")),
    "departure_time": Sentence(
        gettext_lazy("stop_times.txt: unreadable departure_time “%(value)s”")
    ),
    # why a background job failed (the web side's own keys)
    "import.refused": _refused,
    "import.unavailable": _unavailable,
    "import.options": Sentence(gettext_lazy("Unknown options for this kind of file: %(names)s")),
    "import.unreadable": Sentence(gettext_lazy("The file could not be imported: %(e)s")),
    "import.memory": _memory,
    "import.signal": Sentence(
        gettext_lazy(
            "The import was stopped (signal %(signal)d), most likely for lack of memory; "
            "split the file into smaller ones."
        )
    ),
    "import.interrupted": Sentence(
        gettext_lazy(
            "The import was interrupted at %(progress)s %% (the process running it stopped); "
            "the data imported before is unchanged. Import the file again."
        )
    ),
    "import.internal": Sentence(gettext_lazy("The import stopped because of an internal error.")),
    "evaluation.no_counts": Sentence(gettext_lazy("This town has no counting data yet.")),
    "evaluation.failed": Sentence(gettext_lazy("The evaluation could not be computed: %(e)s")),
    "evaluation.internal": Sentence(
        gettext_lazy("The evaluation stopped because of an internal error.")
    ),
}


def render(key: str, params: dict[str, Any] | None, *, fallback: str = "") -> str:
    """The sentence `key` with `params`, in the active language; `fallback` for an unknown key
    (the text stored before sentences were kept as keys)."""
    return render_from(SENTENCES, key, params, fallback=fallback)


#: A refused value with the value itself, its line and column (rows stored since the importer
#: keeps the value; older rows are written with SENTENCES).
VALUE_SENTENCES: dict[str, Sentence] = {
    "value_missing": Sentence(gettext_lazy("no value, line %(line)s, column %(column)s")),
    "value_empty": Sentence(gettext_lazy("no value, line %(line)s, column %(column)s")),
    "value_not_number": Sentence(
        gettext_lazy("value “%(value)s” is not a number, line %(line)s, column %(column)s")
    ),
    "value_negative": Sentence(
        gettext_lazy("value “%(value)s” is negative, line %(line)s, column %(column)s")
    ),
    "value_not_whole": Sentence(
        gettext_lazy("value “%(value)s” is not a whole number, line %(line)s, column %(column)s")
    ),
    "value_too_large": Sentence(
        gettext_lazy("value “%(value)s” is larger than %(limit)s, line %(line)s, column %(column)s")
    ),
}


def quarantine_reason(row: dict[str, Any]) -> str:
    """Why a row of an import's quarantine ({file, line, key, params}) was not imported, with
    the refused value when the row keeps it; rows stored before keys carry their English
    `reason`."""
    params = row.get("params") or {}
    if row.get("key") in VALUE_SENTENCES and "value" in params:
        return VALUE_SENTENCES[row["key"]].render({**params, "line": row.get("line")})
    return render(row.get("key", ""), row.get("params"), fallback=row.get("reason", ""))
