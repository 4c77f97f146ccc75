"""The evaluation's diagnostics: placebo dates in the before window, the weekly event study and
the pre-trend test."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from . import core
from .analysis import analyse, block_size
from .panel import Panel
from .results import pct

PRETREND_LEVEL = 0.05


def _placebo_offsets(before_days: int) -> list[int]:
    """Fake intervention dates in the before window, in whole weeks before the real one (a
    quarter, half and three quarters of the window), each with a week of data on either side."""
    offsets = {int(round(before_days * f / 7)) * 7 for f in (0.25, 0.5, 0.75)}
    return sorted(k for k in offsets if 7 <= k <= before_days - 7)


def placebos(panel: Panel, treated, before_days, block_days, draws, rng) -> list[dict]:
    out = []
    cols = panel.day < 0
    for k in _placebo_offsets(before_days):
        sub = Panel(
            sites=panel.sites,
            dates=[d for d, c in zip(panel.dates, cols, strict=True) if c],
            total=panel.total[:, cols],
            day=panel.day[cols] + k,
            dow=panel.dow[cols],
            holidays_excluded=[],
            days_incomplete=0,
        )
        if not (sub.day < 0).any() or not (sub.day >= 0).any():
            continue
        block = block_size(before_days - k, k, block_days)
        res = analyse(sub, treated, block=block, draws=draws, rng=rng)
        pooled, calibrated = res["pooled"]
        out.append(
            {
                "weeks_before": k // 7,
                "effect_pct": pct(pooled["estimate"]),
                "low_pct": pct(pooled["low"]),
                "high_pct": pct(pooled["high"]),
                "p_value": round(float(pooled["p_value"]), 4),
                "significant": bool(pooled["significant"]),
            }
        )
    return out


def event_study(s, day: np.ndarray, is_treated: np.ndarray, intervention: date) -> list[dict]:
    rows = []
    for w in core.weekly(s, day, is_treated):
        first = intervention + timedelta(days=7 * w["week"])
        row = {
            "week": w["week"],
            "start": first.isoformat(),
            "end": (first + timedelta(days=6)).isoformat(),
            "days": w["days"],
            "effect_pct": None if np.isnan(w["estimate"]) else pct(w["estimate"]),
            "low_pct": None,
            "high_pct": None,
        }
        if "low" in w and not np.isnan(w["low"]):
            row["low_pct"], row["high_pct"] = pct(w["low"]), pct(w["high"])
        rows.append(row)
    return rows


def pretrend(s, is_treated: np.ndarray) -> dict | None:
    if is_treated.size - 2 < 1:
        return None
    res = {k: np.asarray(v).item() for k, v in core.pretrend(s, is_treated).items()}
    return {
        "pct_per_week": pct(7 * res["estimate"]),
        "low_pct": pct(7 * res["low"]),
        "high_pct": pct(7 * res["high"]),
        "p_value": round(float(res["p_value"]), 4),
        "warn": bool(res["p_value"] < PRETREND_LEVEL),
    }
