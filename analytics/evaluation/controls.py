"""Candidate control sites ranked by how their before window moves like the treated sites'."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from .panel import build
from .results import mean, pct


def rank_controls(
    hourly: pd.DataFrame,
    *,
    treated: list[str],
    candidates: list[str],
    intervention: date,
    before_days: int = 56,
    subdiv: str = "VD",
) -> list[dict]:
    """Candidate control sites ranked by how their before window moves like the treated sites':
    weekly mean residuals (weekday baselines taken out) of the treated sites' mean and of the
    candidate; ``gap_pct`` is the root mean square of their weekly difference (smaller is
    better), ``drift_pct_per_week`` the slope of that difference, ``correlation`` of the two
    weekly series (None with fewer than 3 weeks). Candidates without data are left out."""
    if not treated:
        raise ValueError("evaluation needs at least one treated and one control site")
    others = [c for c in candidates if c not in set(treated)]
    start = intervention - timedelta(days=before_days)
    panel = build(
        hourly,
        sites=list(treated) + others,
        intervention=intervention,
        start=start,
        end=intervention,
        subdiv=subdiv,
    )
    if not panel.dates:
        return []
    y = panel.y
    base = np.full((len(panel.sites), 7), np.nan)
    for k in range(7):
        cols = panel.dow == k
        if cols.any():
            base[:, k] = mean(y[:, cols], axis=1)
    residual = y - base[:, panel.dow]
    week = np.floor_divide(panel.day, 7)
    weeks = np.unique(week)
    weekly = np.stack([mean(residual[:, week == w], axis=1) for w in weeks], axis=1)
    n_treated = len(treated)
    reference = mean(weekly[:n_treated], axis=0)
    out = []
    for j, site in enumerate(others):
        series = weekly[n_treated + j]
        ok = ~np.isnan(series) & ~np.isnan(reference)
        if ok.sum() < 1:
            continue
        gap = reference[ok] - series[ok]
        x = weeks[ok].astype(float)
        drift = float(np.polyfit(x, gap, 1)[0]) if ok.sum() >= 2 else 0.0
        corr = None
        if ok.sum() >= 3 and np.std(series[ok]) > 0 and np.std(reference[ok]) > 0:
            corr = round(float(np.corrcoef(reference[ok], series[ok])[0, 1]), 2)
        out.append(
            {
                "site_id": site,
                "weeks": int(ok.sum()),
                "gap_pct": round(float(np.expm1(np.sqrt(np.mean(gap**2))) * 100), 2),
                "drift_pct_per_week": pct(drift),
                "correlation": corr,
            }
        )
    return sorted(out, key=lambda r: (r["gap_pct"], r["site_id"]))
