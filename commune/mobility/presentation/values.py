"""Plain values out of the indicators' frames, and shares as text."""

from __future__ import annotations

from collections.abc import Callable

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


def whole_number_text() -> Callable[[float], str]:
    """A writer of whole numbers as the reader's language writes them, thousands grouped: what
    the template filter `floatformat:"0g"` writes (halves rounded away from zero), at a tenth of
    its cost - a page of 50 sites over a year has 18,300 of them."""
    separator = formats.get_format("THOUSAND_SEPARATOR")
    if formats.get_format("NUMBER_GROUPING") != 3:  # no language of ours; done the slow way
        return lambda v: formats.number_format(_half_up(v), 0, use_l10n=True, force_grouping=True)
    return lambda v: f"{_half_up(v):,}".replace(",", separator)


def _half_up(value: float) -> int:
    whole = int(abs(value) + 0.5)
    return -whole if value < 0 else whole
