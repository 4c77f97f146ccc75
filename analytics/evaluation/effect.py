"""The evaluation of one intervention: the panel checked, the difference-in-differences, its
diagnostics and the JSON-able result (the method is in the package's docstring)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from . import diagnostics, results
from .analysis import analyse, block_size
from .panel import Panel, build, windows
from .text import summary_fr


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
    block = block_size(before_days, after_days, block_days)
    rng = np.random.default_rng(seed)
    res = analyse(panel, treated, block=block, draws=n_permutations, rng=rng)
    s, is_treated = res["sites"], res["treated"]
    y, day = panel.y, panel.day
    pooled_res, calibrated = res["pooled"]
    pooled = results.row(
        pooled_res,
        calibrated=calibrated,
        days=results.row_days(y, day, is_treated, ~is_treated),
        per_day=results.per_day(
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
        row = results.row(
            site_res,
            calibrated=ok,
            days=results.row_days(y, day, rows, ~is_treated),
            per_day=results.per_day(
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
    pretrend = diagnostics.pretrend(s, is_treated)
    placebos = diagnostics.placebos(
        panel, treated, before_days, block_days, min(n_permutations, 500), rng
    )
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
        "event_study": diagnostics.event_study(s, day, is_treated, intervention),
        "placebos": placebos,
        "warnings": warnings,
        "summary_fr": pooled["summary_fr"],
    }
