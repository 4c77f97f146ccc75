"""Counts read from text: whole, not negative, and no larger than the int64 column that stores
them. Casting a larger one wrapped around (99999999999999999999 was stored as
-9223372036854775808); it goes to the quarantine instead, with the limit in its reason."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pandas as pd

#: The largest count a column stores (int64).
COUNT_MAX = 2**63 - 1
#: Below this, a float holds every whole number exactly; from it, a value is read again from
#: its text (9223372036854775807 and 9223372036854775808 are the same float).
_FLOAT_EXACT = 2**53
#: From this, a value is too large whatever its digits (infinity too).
_SURELY_TOO_LARGE = 2**64


#: Digits grouped by thousands as Swiss and French files write them: 1'200 (Excel in Swiss
#: locales), 1’200, 1 200 (a space, a no-break or a narrow no-break space).
_GROUPED = r"^\s*\d{1,3}(?:['’ \u00a0\u202f]\d{3})+(?:\.\d+)?\s*$"
_GROUP_MARKS = r"['’ \u00a0\u202f]"


def ungrouped(text: pd.Series) -> pd.Series:
    """`text` with the thousands marks of grouped numbers (1'200) taken out; other text as is."""
    grouped = text.str.match(_GROUPED, na=False)
    if not grouped.any():
        return text
    out = text.copy()
    out[grouped] = text[grouped].str.replace(_GROUP_MARKS, "", regex=True).str.strip()
    return out


def whole_counts(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The counts in `text` as int64 (0 where refused), and the quarantine code of each refused
    one (None where fine): value_not_number, value_negative, value_too_large, value_not_whole.
    Thousands grouped with apostrophes or spaces (1'200) are read."""
    text = ungrouped(text.astype("string").fillna("")).astype(object)
    number = pd.to_numeric(text, errors="coerce")
    why = pd.Series(None, index=text.index, dtype="object")
    why[number.isna()] = "value_not_number"
    why[why.isna() & (number < 0)] = "value_negative"
    why[why.isna() & (number >= _SURELY_TOO_LARGE)] = "value_too_large"
    why[why.isna() & (number % 1 != 0)] = "value_not_whole"
    value = pd.Series(0, index=text.index, dtype="int64")
    exact = why.isna() & (number < _FLOAT_EXACT)
    value[exact] = number[exact].astype("int64")
    for index in why.index[why.isna() & ~exact]:
        count = _exact(text[index])
        if count is None:
            why[index] = "value_not_whole"
        elif count > COUNT_MAX:
            why[index] = "value_too_large"
        else:
            value[index] = count
    return value, why


def _exact(text: str) -> int | None:
    """The whole number `text` writes (1e20, 9223372036854775807), None if it is not whole."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def reason_params(code: str, column: str) -> dict:
    """The parameters of a value_* quarantine code (report.ENGLISH)."""
    if code == "value_too_large":
        return {"column": column, "limit": COUNT_MAX}
    return {"column": column}
