"""Plain values out of the indicators' frames, and shares as text."""

from __future__ import annotations

import pandas as pd
from django.utils import formats


def plain(value):
    """A plain Python value (numpy scalars unwrapped), None for missing/hidden (NaN, NA)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value.item() if hasattr(value, "item") else value


def share_text(value) -> str:
    """A share as per cent, to the tenth, as the reader writes numbers (28,0 %)."""
    return "—" if value is None else f"{formats.number_format(value * 100, 1)}\u00a0%"
