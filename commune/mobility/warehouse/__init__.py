"""The web side's only door into `analytics/`: every function takes the municipality and passes
its id to the pipeline, so a town only ever reads and writes its own Parquet folder.

The warehouse root is settings.WAREHOUSE_DIR; a town's data lives in WAREHOUSE_DIR/<pk>/.
`opendata` is the pipeline's open-data toolkit (periods, families, suppression): pure functions
over the bases read here, for the service that publishes (services/opendata.py).
"""

from analytics import opendata

from .demo import demo_observatory_write
from .engine import rollups_refresh
from .ingest import (
    IMPORTERS,
    ImporterUnavailable,
    UnknownOptions,
    format_error_class,
    import_file,
    readings_last_exported,
    readings_store,
    town_folder,
    town_site_ids,
    warehouse_recover,
    warehouse_root,
)
from .read import (
    catchment_bands_km,
    daily_volumes,
    dwell_bands_min,
    observatory_catalogue,
    observatory_indicators,
    observatory_places,
    opendata_basis,
    opendata_span,
    parking_occupancy,
)
from .timetable import (
    demo_timetable_write,
    departure_days,
    departures_per_stop_hour,
    stops_supply,
)

__all__ = [
    "IMPORTERS",
    "ImporterUnavailable",
    "UnknownOptions",
    "catchment_bands_km",
    "demo_observatory_write",
    "demo_timetable_write",
    "daily_volumes",
    "departure_days",
    "departures_per_stop_hour",
    "stops_supply",
    "dwell_bands_min",
    "format_error_class",
    "import_file",
    "observatory_catalogue",
    "observatory_indicators",
    "observatory_places",
    "opendata",
    "opendata_basis",
    "opendata_span",
    "parking_occupancy",
    "readings_last_exported",
    "readings_store",
    "rollups_refresh",
    "town_folder",
    "town_site_ids",
    "warehouse_recover",
    "warehouse_root",
]
