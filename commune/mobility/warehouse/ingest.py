"""Files into the town's warehouse: imports, sensor readings, and evaluations over them."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from analytics.ingest import counts, gtfs, network, preview, sites
from analytics.ingest.readings import last_stored, store_readings
from analytics.ingest.report import ImportFormatError
from analytics.store import recover_tree
from commune.tenants.models import Municipality

# kind of DataImport → the pipeline's importer: f(path, *, root, municipality_id, ...)
# -> ImportReport; the other keywords (tz, options, service_date…) differ per importer.
IMPORTERS: dict[str, Callable] = {
    "counts": counts.import_counts,
    "sites": sites.import_sites,
    "network_presence": network.import_presence,
    "network_od": network.import_od,
    "zones": network.import_zones,
    "gtfs": gtfs.import_gtfs,
}

# kind of DataImport delivered as a zip → its ZipLimits: the archive is checked against them
# before anything in it is read (untrusted.archives).
ARCHIVE_LIMITS = {"gtfs": gtfs.GTFS_ZIP}

Progress = Callable[[int], None]


class ImporterUnavailable(RuntimeError):
    """The pipeline has no importer for this kind of file (yet)."""


class UnknownOptions(ValueError):
    """Options given with a file that its importer does not take (`names`)."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(f"unknown options for this kind of file: {', '.join(names)}")


def warehouse_root() -> Path:
    return Path(settings.WAREHOUSE_DIR)


def town_folder(*, municipality: Municipality) -> Path:
    """Where the town's Parquet datasets live."""
    return warehouse_root() / str(municipality.pk)


def format_error_class() -> type[Exception]:
    """The exception the pipeline raises for a file that is not in the expected format."""
    return ImportFormatError


def archive_limits(kind: str):
    """The untrusted.archives.ZipLimits a zip of this kind is held to; None for kinds that are
    not zips."""
    return ARCHIVE_LIMITS.get(kind)


def _importer(kind: str) -> Callable:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ImporterUnavailable(f"no importer for {kind!r}") from None


def _call_kwargs(function: Callable, *, given: dict, options: dict) -> dict:
    """The keyword arguments `function` accepts: those of `given` it names, plus `options` —
    as one `options` argument, or spread over its own keywords (e.g. GTFS's service_date)."""
    params = inspect.signature(function).parameters
    kwargs = {name: value for name, value in given.items() if name in params}
    if "options" in params:
        kwargs["options"] = options
        return kwargs
    unknown = sorted(set(options) - set(params) - set(given))
    if unknown:
        raise UnknownOptions(unknown)
    for name, value in options.items():
        if name.endswith("_date") and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        kwargs[name] = value
    return kwargs


def town_site_ids(*, municipality: Municipality) -> list[str] | None:
    """The ids of the town's counting sites (imported site metadata), None when it has none:
    counts for another site id then go to the quarantine as an unknown site."""
    ids = sites.known_site_ids(warehouse_root(), municipality.pk)
    return None if ids is None else sorted(ids)


def territory_wgs84(*, municipality: Municipality) -> list | None:
    """The town's territory as polygons of WGS84 (lon, lat) rings; None when it has none."""
    if municipality.territory is None or municipality.territory.empty:
        return None
    return list(municipality.territory.transform(4326, clone=True).coords)


def import_file(
    *,
    municipality: Municipality,
    kind: str,
    path: Path,
    tz: str = "Europe/Zurich",
    options: dict | None = None,
    known_sites: list[str] | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
):
    """Run the pipeline's importer for `kind` on `path` into the town's folder and return its
    ImportReport. Counts are checked against the town's sites when it has imported some; a
    timetable keeps the stops near the town's territory, and without a service date reads the
    feed's day for `today` (analytics.ingest.gtfs).
    Raises the pipeline's ImportFormatError for a file in the wrong format, and
    ValueError for options the importer does not know."""
    function = _importer(kind)
    given = {"root": warehouse_root(), "municipality_id": municipality.pk, "tz": tz}
    if known_sites is None and kind == "counts":
        known_sites = town_site_ids(municipality=municipality)
    if known_sites is not None:
        given["known_sites"] = known_sites
    if progress is not None:
        given["progress"] = progress
    if kind == "gtfs":
        given["territory"] = territory_wgs84(municipality=municipality)
        given["today"] = today
    kwargs = _call_kwargs(function, given=given, options=dict(options or {}))
    return function(Path(path), **kwargs)


def counts_preview(
    *,
    municipality: Municipality,
    path: Path,
    tz: str,
    delimiter: str | None = None,
    decimal: str | None = None,
    mapping: dict[str, str] | None = None,
):
    """The first rows of a counts file read as its import will read them, with the detected
    formats and column mapping (analytics.ingest.preview); `delimiter`, `decimal` and
    `mapping` override what is detected. Raises the pipeline's ImportFormatError."""
    return preview.preview_counts(
        path,
        tz=tz,
        delimiter=delimiter,
        decimal=decimal,
        mapping=mapping,
        known_sites=town_site_ids(municipality=municipality),
    )


def warehouse_recover(*, municipality_id: int) -> list[Path]:
    """Undo the town's merges that died halfway (analytics.store.recover): its dataset folders
    as they were before them. Returns the folders put back."""
    return recover_tree(warehouse_root(), municipality_id)


def readings_last_exported(*, municipality: Municipality):
    """The latest measurement instant in the town's warehouse (None: it holds no readings)."""
    last = last_stored(warehouse_root(), municipality.pk)
    return None if last is None else last.to_pydatetime()


def readings_store(*, municipality: Municipality, rows) -> int:
    """Merge sensor readings (sensor_id, kind, capacity, ts_utc, value) into the town's
    `readings` dataset; returns the rows inserted or replaced (0 when nothing changed)."""
    merged = store_readings(
        rows, root=warehouse_root(), municipality_id=municipality.pk, tz=settings.TIME_ZONE
    )
    return merged.inserted + merged.replaced
