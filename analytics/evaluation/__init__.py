"""Evaluating an intervention by difference-in-differences, with inference across sites.

Method (also in analytics/README.md and docs/decisions/0019-evaluation-inference.md):
1. Daily totals of treated and control sites (panel.py: missing hours completed from the
   site's hour-of-week profile); public holidays (canton ``subdiv``) and the intervention day
   left out; only the ``before_days`` before and ``after_days`` from the intervention date.
2. y = log(1 + total); each site's weekday baselines are its before-window means (site x
   weekday fixed effects); a site's change is its mean after-day residual (core.py).
3. Effect = mean change of treated sites - mean change of controls, as % = e^effect - 1, and
   in vehicles (or persons) a day at the treated sites.
4. 95 % interval from the spread between sites (Student t, n_treated + n_control - 2 df; one
   treated site against the controls' spread, n_control - 1 df): correlation between days,
   however strong, is inside each site's change. With one treated and one control site there is
   no spread to measure: the interval then comes from the permutation of blocks of days, and the
   result is flagged as not calibrated (never "changement net").
5. "Changement net" also needs the change to hold once each site's trend of the before window
   is extended (one-sided 95 %); diagnostics: the weekly event study, the pre-trend test,
   placebo dates in the before window.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import pandas as pd

from . import core, stats
from .panel import Panel, build, windows
from .text import summary_fr

__all__ = ["evaluate", "rank_controls", "summary_fr", "MIN_BLOCKS"]

MIN_BLOCKS = 5
PRETREND_LEVEL = 0.05


def _mean(values: np.ndarray, axis: int) -> np.ndarray:
    """nanmean, NaN (without a warning) where a row has no value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def _pct(x) -> float:
    return round(float(np.expm1(x) * 100), 2)


def _check(hourly: pd.DataFrame, treated: list[str], control: list[str]) -> None:
    if not treated or not control:
        raise ValueError("evaluation needs at least one treated and one control site")
    overlap = set(treated) & set(control)
    if overlap:
        raise ValueError(f"sites both treated and control: {', '.join(sorted(overlap))}")


def _panel_checked(hourly, treated, control, intervention, start, end, subdiv) -> Panel:
    sites = list(treated) + list(control)
    data = hourly.rename(columns={"count": "volume"})
    dates = pd.to_datetime(data.local_date).dt.date
    inside = data[(dates >= start) & (dates < end)]
    missing = [s for s in sites if s not in set(inside.site_id)]
    if missing:
        raise ValueError(f"no data in the windows for site(s): {', '.join(missing)}")
    panel = build(
        hourly, sites=sites, intervention=intervention, start=start, end=end, subdiv=subdiv
    )
    seen = ~np.isnan(panel.total)
    before, after = panel.day < 0, panel.day >= 0
    unseen = [s for i, s in enumerate(sites) if not seen[i, before].any()]
    if unseen:
        raise ValueError(f"no data before the intervention for site(s): {', '.join(unseen)}")
    is_treated = np.array([s in set(treated) for s in sites])
    for group, rows in (("treated", is_treated), ("control", ~is_treated)):
        if not seen[np.ix_(rows, after)].any():
            raise ValueError(f"no {group} data after the intervention")
    return panel


def _row_days(y: np.ndarray, day: np.ndarray, rows: np.ndarray, control: np.ndarray) -> tuple:
    """Days with data at these treated rows and at a control, before and after."""
    seen = (~np.isnan(y[rows])).any(axis=0) & (~np.isnan(y[control])).any(axis=0)
    return int((seen & (day < 0)).sum()), int((seen & (day >= 0)).sum())


def _per_day(total: np.ndarray, day: np.ndarray, rows: np.ndarray, effects: tuple) -> dict:
    """The change in vehicles (persons) a day at these treated sites: their mean after-day total
    x (1 - e^-effect), i.e. what they counted minus what they would have counted."""
    after = _mean(total[np.ix_(rows, day >= 0)], axis=1)
    before = _mean(total[np.ix_(rows, day < 0)], axis=1)
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


def _row(res: dict, *, calibrated: bool, days: tuple, per_day: dict) -> dict:
    row = {
        "effect_pct": _pct(res["estimate"]),
        "low_pct": _pct(res["low"]),
        "high_pct": _pct(res["high"]),
        "p_value": round(float(res["p_value"]), 4),
        "significant": bool(res["significant"]),
        "net": bool(res.get("net", False) and calibrated),
        "df": int(res["df"]) if calibrated else None,
        "days_before": days[0],
        "days_after": days[1],
        **per_day,
    }
    row["verdict"] = _verdict(row, calibrated)
    return row


def _by_permutation(contrast, panel, block, draws, rng) -> dict:
    res = stats.block_permutation(contrast, panel.day >= 0, panel.day, block, draws, rng)
    res["significant"] = res["low"] > 0 or res["high"] < 0
    res["df"] = 0
    return res


def _analyse(panel: Panel, treated: list[str], *, block: int, draws: int, rng) -> dict:
    """Pooled and per-site results on a panel (the evaluation's, or a placebo's)."""
    y, day = panel.y, panel.day
    is_treated = np.array([s in set(treated) for s in panel.sites])
    s = core.sites(y, day, panel.dow)
    n_control = int((~is_treated).sum())
    pooled_ok = is_treated.sum() + n_control - 2 >= 1
    control_mean = _mean(s.residual[~is_treated], axis=0)
    if pooled_ok:
        pooled = {k: np.asarray(v).item() for k, v in core.pooled(s, is_treated).items()}
    else:
        contrast = _mean(s.residual[is_treated], axis=0) - control_mean
        pooled = _by_permutation(contrast, panel, block, draws, rng)
    per_site = {}
    for i, site in enumerate(panel.sites):
        if not is_treated[i]:
            continue
        if n_control >= 2:
            res = {k: np.asarray(v).item() for k, v in core.one(s, i, is_treated).items()}
        else:
            res = _by_permutation(s.residual[i] - control_mean, panel, block, draws, rng)
        per_site[site] = (res, n_control >= 2)
    return {"sites": s, "treated": is_treated, "pooled": (pooled, pooled_ok), "per_site": per_site}


def _block(before_days: int, after_days: int, block_days: int) -> int:
    return block_days if min(before_days, after_days) // block_days >= MIN_BLOCKS else 1


def _placebo_offsets(before_days: int) -> list[int]:
    """Fake intervention dates in the before window, in whole weeks before the real one (a
    quarter, half and three quarters of the window), each with a week of data on either side."""
    offsets = {int(round(before_days * f / 7)) * 7 for f in (0.25, 0.5, 0.75)}
    return sorted(k for k in offsets if 7 <= k <= before_days - 7)


def _placebos(panel: Panel, treated, before_days, block_days, draws, rng) -> list[dict]:
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
        block = _block(before_days - k, k, block_days)
        res = _analyse(sub, treated, block=block, draws=draws, rng=rng)
        pooled, calibrated = res["pooled"]
        out.append(
            {
                "weeks_before": k // 7,
                "effect_pct": _pct(pooled["estimate"]),
                "low_pct": _pct(pooled["low"]),
                "high_pct": _pct(pooled["high"]),
                "p_value": round(float(pooled["p_value"]), 4),
                "significant": bool(pooled["significant"]),
            }
        )
    return out


def _event_study(s, day: np.ndarray, is_treated: np.ndarray, intervention: date) -> list[dict]:
    rows = []
    for w in core.weekly(s, day, is_treated):
        first = intervention + timedelta(days=7 * w["week"])
        row = {
            "week": w["week"],
            "start": first.isoformat(),
            "end": (first + timedelta(days=6)).isoformat(),
            "days": w["days"],
            "effect_pct": None if np.isnan(w["estimate"]) else _pct(w["estimate"]),
            "low_pct": None,
            "high_pct": None,
        }
        if "low" in w and not np.isnan(w["low"]):
            row["low_pct"], row["high_pct"] = _pct(w["low"]), _pct(w["high"])
        rows.append(row)
    return rows


def _pretrend(s, is_treated: np.ndarray) -> dict | None:
    if is_treated.size - 2 < 1:
        return None
    res = {k: np.asarray(v).item() for k, v in core.pretrend(s, is_treated).items()}
    return {
        "pct_per_week": _pct(7 * res["estimate"]),
        "low_pct": _pct(7 * res["low"]),
        "high_pct": _pct(7 * res["high"]),
        "p_value": round(float(res["p_value"]), 4),
        "warn": bool(res["p_value"] < PRETREND_LEVEL),
    }


def evaluate(
    hourly: pd.DataFrame,
    *,
    treated: list[str],
    control: list[str],
    intervention: date,
    before_days: int = 56,
    after_days: int = 56,
    subdiv: str = "VD",
    block_days: int = 7,
    n_permutations: int = 2000,
    seed: int = 0,
) -> dict:
    """Difference-in-differences effect of an intervention; returns a JSON-able dict.

    ``hourly`` has one row per site and hour: site_id, local_date, local_hour, volume (e.g. the
    result of ``indicators.hourly_volume`` for ONE mode; a ``count`` column is accepted).
    """
    _check(hourly, treated, control)
    start, end = windows(intervention, before_days, after_days)
    panel = _panel_checked(hourly, treated, control, intervention, start, end, subdiv)
    block = _block(before_days, after_days, block_days)
    rng = np.random.default_rng(seed)
    res = _analyse(panel, treated, block=block, draws=n_permutations, rng=rng)
    s, is_treated = res["sites"], res["treated"]
    y, day = panel.y, panel.day
    pooled_res, calibrated = res["pooled"]
    pooled = _row(
        pooled_res,
        calibrated=calibrated,
        days=_row_days(y, day, is_treated, ~is_treated),
        per_day=_per_day(
            panel.total,
            day,
            is_treated,
            (pooled_res["estimate"], pooled_res["low"], pooled_res["high"]),
        ),
    )
    pooled["summary_fr"] = summary_fr(pooled)
    per_site = {}
    for i, site in enumerate(panel.sites):
        if site not in res["per_site"]:
            continue
        site_res, ok = res["per_site"][site]
        rows = np.zeros(len(panel.sites), dtype=bool)
        rows[i] = True
        row = _row(
            site_res,
            calibrated=ok,
            days=_row_days(y, day, rows, ~is_treated),
            per_day=_per_day(
                panel.total, day, rows, (site_res["estimate"], site_res["low"], site_res["high"])
            ),
        )
        row["summary_fr"] = summary_fr(row, label=f"les passages au site {site}")
        per_site[site] = row
    if calibrated:
        method = (
            "difference-in-differences on daily totals, site x weekday baselines; 95 % "
            f"interval across sites (Student t, {pooled['df']} df)"
        )
        inference = {"kind": "sites", "df": pooled["df"], "block_days": None, "draws": None}
    else:
        method = (
            "difference-in-differences on daily totals, site x weekday baselines; "
            f"permutation of {block}-day blocks ({n_permutations} draws)"
        )
        inference = {"kind": "time", "df": None, "block_days": block, "draws": n_permutations}
    pretrend = _pretrend(s, is_treated)
    placebos = _placebos(panel, treated, before_days, block_days, min(n_permutations, 500), rng)
    for p in placebos:
        p["date"] = (intervention - timedelta(days=7 * p["weeks_before"])).isoformat()
    warnings = []
    if not calibrated:
        warnings.append("few_sites")
    elif len(control) < 3:
        warnings.append("few_controls")
    if pretrend and pretrend["warn"]:
        warnings.append("pretrend")
    if pooled["verdict"] == "drift":
        warnings.append("drift")
    if any(p["significant"] for p in placebos):
        warnings.append("placebo")
    if panel.days_incomplete:
        warnings.append("incomplete_days")
    return {
        "method": method,
        "inference": inference,
        "intervention": intervention.isoformat(),
        "before": [start.isoformat(), (intervention - timedelta(days=1)).isoformat()],
        "after": [intervention.isoformat(), (end - timedelta(days=1)).isoformat()],
        "treated": list(treated),
        "control": list(control),
        "holidays_excluded": panel.holidays_excluded,
        "days_incomplete": panel.days_incomplete,
        "pooled": pooled,
        "per_site": per_site,
        "verdict": pooled["verdict"],
        "pretrend": pretrend,
        "event_study": _event_study(s, day, is_treated, intervention),
        "placebos": placebos,
        "warnings": warnings,
        "summary_fr": pooled["summary_fr"],
    }


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
            base[:, k] = _mean(y[:, cols], axis=1)
    residual = y - base[:, panel.dow]
    week = np.floor_divide(panel.day, 7)
    weeks = np.unique(week)
    weekly = np.stack([_mean(residual[:, week == w], axis=1) for w in weeks], axis=1)
    n_treated = len(treated)
    reference = _mean(weekly[:n_treated], axis=0)
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
                "drift_pct_per_week": _pct(drift),
                "correlation": corr,
            }
        )
    return sorted(out, key=lambda r: (r["gap_pct"], r["site_id"]))
