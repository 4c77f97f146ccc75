"""The web side's only door into `analytics/`: every function takes the municipality and passes
its id to the pipeline, so a town only ever reads and writes its own Parquet folder.

The warehouse root is settings.WAREHOUSE_DIR; a town's data lives in WAREHOUSE_DIR/<pk>/.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from django.conf import settings

from commune.tenants.models import Municipality

# kind of DataImport → (analytics module, function). The functions share the signature
# f(path, *, root, municipality_id, tz, options, known_sites=None) -> ImportReport.
IMPORTERS: dict[str, tuple[str, str]] = {
    "counts": ("analytics.ingest.counts", "import_counts"),
    "sites": ("analytics.ingest.sites", "import_sites"),
    "network_presence": ("analytics.ingest.network", "import_presence"),
    "network_od": ("analytics.ingest.network", "import_od"),
    "zones": ("analytics.ingest.network", "import_zones"),
    "gtfs": ("analytics.ingest.gtfs", "import_gtfs"),
}

Progress = Callable[[int], None]


class ImporterUnavailable(RuntimeError):
    """The pipeline has no importer for this kind of file (yet)."""


def warehouse_root() -> Path:
    return Path(settings.WAREHOUSE_DIR)


def town_folder(*, municipality: Municipality) -> Path:
    """Where the town's Parquet datasets live."""
    return warehouse_root() / str(municipality.pk)


def format_error_class() -> type[Exception]:
    """The exception the pipeline raises for a file that is not in the expected format."""
    from analytics.ingest.report import ImportFormatError

    return ImportFormatError


def _importer(kind: str) -> Callable:
    try:
        module_name, function_name = IMPORTERS[kind]
    except KeyError:
        raise ImporterUnavailable(f"no importer for {kind!r}") from None
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ImporterUnavailable(f"no importer for {kind!r} yet ({module_name})") from None
    function = getattr(module, function_name, None)
    if function is None:
        raise ImporterUnavailable(f"no importer for {kind!r} yet ({module_name}.{function_name})")
    return function


def import_file(
    *,
    municipality: Municipality,
    kind: str,
    path: Path,
    tz: str = "Europe/Zurich",
    options: dict | None = None,
    known_sites: list[str] | None = None,
    progress: Progress | None = None,
):
    """Run the pipeline's importer for `kind` on `path` into the town's folder and return its
    ImportReport. Raises the pipeline's ImportFormatError for a file in the wrong format."""
    function = _importer(kind)
    kwargs = {
        "root": warehouse_root(),
        "municipality_id": municipality.pk,
        "tz": tz,
        "options": options or {},
        "known_sites": known_sites,
    }
    if progress is not None and "progress" in inspect.signature(function).parameters:
        kwargs["progress"] = progress
    return function(Path(path), **kwargs)
