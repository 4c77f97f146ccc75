"""How the observatory shows its figures, the analysts' and the public's alike: tables and SVG
charts (each chart beside its table, each axis titled with its unit), the map's layers with the
places by name, and the published periods' labels and links. Pure shaping of what the selectors
read; nothing here reads or writes a row."""

from .periods import comparison_rows, period_choices, period_label, period_links
from .places import (
    map_layers,
    site_names,
    site_volumes,
    stop_points,
    top_flows,
    zone_names,
    zone_trips,
)
from .tables import filter_words, page_of_sites, tables_and_charts

__all__ = [
    "comparison_rows",
    "filter_words",
    "map_layers",
    "page_of_sites",
    "period_choices",
    "period_label",
    "period_links",
    "site_names",
    "site_volumes",
    "stop_points",
    "tables_and_charts",
    "top_flows",
    "zone_names",
    "zone_trips",
]
