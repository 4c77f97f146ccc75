"""Classes some operators deliver instead of exact values, mapped onto the indicators' bands.

**Home origin as a distance class** (``origin_class`` instead of ``origin_zone``): the class is
read as a distance range in km and stored as its *lower bound* in ``origin_distance_km``, so it
falls in the catchment band (0-1, 1-5, 5-10, 10-20, 20+ km) that contains the class:

| delivered class | stored km | catchment band |
|---|---|---|
| ``0-1``, ``0-1km``, ``<1``, ``< 1 km`` | 0 | 0-1 km |
| ``1-5`` / ``1–5 km`` | 1 | 1-5 km |
| ``5-10``, ``10-20`` | 5, 10 | 5-10, 10-20 km |
| ``20+``, ``>20``, ``20 km +`` | 20 | 20 km and more |
| ``local`` / ``same_zone`` | 0 | 0-1 km |

A class that straddles two bands (e.g. ``3-8``) is counted in the band of its lower bound; a
class that cannot be read keeps no distance (left out of the catchment, as rows without origin).

**Dwell time** (``dwell_minutes``, a number, or ``dwell_class`` such as ``15-30`` or ``240+``) is
stored as minutes (the class's lower bound) in the ``dwell`` dataset.
"""

from __future__ import annotations

import re

import pandas as pd

RANGE_RE = re.compile(
    r"^\s*(?:(?P<lt>[<≤])\s*(?P<hi>\d+(?:[.,]\d+)?)"
    r"|(?P<gt>[>≥])\s*(?P<low2>\d+(?:[.,]\d+)?)"
    r"|(?P<low>\d+(?:[.,]\d+)?)\s*(?:km|min)?\s*(?:[-–]\s*\d+(?:[.,]\d+)?|\+)?)"
    r"\s*(?:km|min|h)?\s*\+?\s*$",
    re.IGNORECASE,
)
NAMED_KM = {"local": 0.0, "same_zone": 0.0, "same zone": 0.0}


def class_lower_bound(values: pd.Series, named: dict[str, float] | None = None) -> pd.Series:
    """Lower bound of each class (``1-5`` -> 1, ``20+`` -> 20, ``<1`` -> 0); NaN if unreadable."""
    named = named or {}
    out = []
    for text in values.astype("string").fillna(""):
        key = text.strip().lower()
        if key in named:
            out.append(named[key])
            continue
        m = RANGE_RE.match(key)
        if not m or not key:
            out.append(float("nan"))
        elif m.group("lt"):
            out.append(0.0)
        else:
            out.append(float((m.group("low") or m.group("low2")).replace(",", ".")))
    return pd.Series(out, index=values.index, dtype="float64")


def origin_class_km(values: pd.Series) -> pd.Series:
    return class_lower_bound(values, NAMED_KM)


def dwell_minutes(frame: pd.DataFrame) -> pd.Series | None:
    """Dwell minutes from ``dwell_minutes`` or ``dwell_class`` (None when neither is delivered)."""
    if "dwell_minutes" in frame.columns:
        return pd.to_numeric(frame["dwell_minutes"].str.replace(",", "."), errors="coerce")
    if "dwell_class" in frame.columns:
        return class_lower_bound(frame["dwell_class"])
    return None
