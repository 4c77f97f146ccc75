"""CSV that a spreadsheet opens as data, never as formulas (CSV injection, OWASP).

A text cell that begins with ``= + - @``, a tab or a carriage return is run by Excel or
LibreOffice as a formula (``=HYPERLINK(...)`` sends data away, ``=cmd|...`` runs a program), so
it is written with a leading apostrophe, which spreadsheets read as "this is text". Only text
cells are touched: a number column stays numbers (-3.5 is data, not a formula; a spreadsheet
cannot run it), so consumers reading the file as data (pandas, R) get the same values as before.
Every CSV the platform serves is written by :func:`frame_to_csv` or through :func:`neutralise`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value, with an apostrophe before a text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are neutralised (numeric columns left alone)."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(
            out[column]
        ):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """`frame` as UTF-8 CSV (no index, LF line ends), safe to open in a spreadsheet."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
