"""The rows of an evaluation's result (pooled and per site): effect in %, its interval, the
change in vehicles (persons) a day and the verdict, as JSON-able values."""

from __future__ import annotations

import warnings

import numpy as np


def mean(values: np.ndarray, axis: int) -> np.ndarray:
    """nanmean, NaN (without a warning) where a row has no value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def pct(x) -> float:
    return round(float(np.expm1(x) * 100), 2)


def row_days(y: np.ndarray, day: np.ndarray, rows: np.ndarray, control: np.ndarray) -> tuple:
    """Days with data at these treated rows and at a control, before and after."""
    seen = (~np.isnan(y[rows])).any(axis=0) & (~np.isnan(y[control])).any(axis=0)
    return int((seen & (day < 0)).sum()), int((seen & (day >= 0)).sum())


def per_day(total: np.ndarray, day: np.ndarray, rows: np.ndarray, effects: tuple) -> dict:
    """The change in vehicles (persons) a day at these treated sites: their mean after-day total
    x (1 - e^-effect), i.e. what they counted minus what they would have counted."""
    after = mean(total[np.ix_(rows, day >= 0)], axis=1)
    before = mean(total[np.ix_(rows, day < 0)], axis=1)
    after_sum, before_sum = float(np.nansum(after)), float(np.nansum(before))
    est, low, high = (after_sum * float(-np.expm1(-e)) for e in effects)
    return {
        "per_day": round(est, 1),
        "per_day_low": round(low, 1),
        "per_day_high": round(high, 1),
        "daily_before": round(before_sum, 1),
        "daily_after": round(after_sum, 1),
    }


def _verdict(row: dict, calibrated: bool) -> str:
    if not row["significant"]:
        return "none"
    if not calibrated:
        return "few_sites"
    return "net" if row["net"] else "drift"


def row(res: dict, *, calibrated: bool, days: tuple, per_day: dict) -> dict:
    out = {
        "effect_pct": pct(res["estimate"]),
        "low_pct": pct(res["low"]),
        "high_pct": pct(res["high"]),
        "p_value": round(float(res["p_value"]), 4),
        "significant": bool(res["significant"]),
        "net": bool(res.get("net", False) and calibrated),
        "df": int(res["df"]) if calibrated else None,
        "days_before": days[0],
        "days_after": days[1],
        **per_day,
    }
    out["verdict"] = _verdict(out, calibrated)
    return out
