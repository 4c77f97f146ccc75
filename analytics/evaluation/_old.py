"""Evaluating an intervention by difference-in-differences with permutation inference.

Method (also in analytics/README.md):
1. Hourly volumes of treated and control sites; public holidays (canton ``subdiv``) and the
   intervention day itself are excluded; only the ``before_days`` before and ``after_days`` from
   the intervention date are used.
2. Seasonality: y = log(1 + volume) minus the site's mean for that hour of the week in the
   before window (site x hour-of-week fixed effects); the residuals are averaged per site and day.
3. Daily contrast: for a treated site s, D_s(day) = r_s(day) - mean over controls r_c(day);
   pooled D(day) = mean over treated r_t(day) - mean over controls r_c(day).
   The effect is mean(D after) - mean(D before), reported as exp(effect) - 1 in per cent.
4. 95 % interval by permutation in time: whole blocks of ``block_days`` consecutive days (weeks
   by default, days when there are too few weeks) are shuffled between before and after many
   times, after removing the estimated effect from the after days; the spread of those placebo
   effects around zero is the estimate's error distribution, so the interval is
   [effect - q97.5, effect - q2.5]; the p-value is the share of placebo errors as large as it.
Per-site effects are always reported beside the pooled effect.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd

MIN_BLOCKS = 5


def _pct(x: float) -> float:
    return float(np.expm1(x) * 100)


def _fmt(p: float) -> str:
    r = round(p)
    sign = "+" if r > 0 else ("−" if r < 0 else "")
    return f"{sign}{abs(r)} %"


def _interval(contrast: pd.Series, after: pd.Series, block_days: int, n_perm: int, rng) -> dict:
    """Effect and permutation interval for a daily contrast series (index = local date)."""
    frame = pd.DataFrame({"d": contrast, "after": after}).dropna()
    effect = frame.d[frame.after].mean() - frame.d[~frame.after].mean()
    # permute under the null "the effect is `effect`": remove it from the after days first
    frame["d"] = frame.d - effect * frame.after
    day_no = (pd.to_datetime(frame.index) - pd.to_datetime(frame.index.min())).days
    blocks = np.asarray(day_no) // block_days
    g = frame.assign(block=blocks).groupby(["block", "after"]).d.agg(["sum", "count"])
    sums, counts = g["sum"].to_numpy(), g["count"].to_numpy()
    n_after_blocks = int(g.index.get_level_values("after").to_numpy().sum())
    placebo = np.empty(n_perm)
    for i in range(n_perm):
        pick = np.zeros(len(sums), dtype=bool)
        pick[rng.choice(len(sums), n_after_blocks, replace=False)] = True
        placebo[i] = sums[pick].sum() / counts[pick].sum() - sums[~pick].sum() / counts[~pick].sum()
    lo_q, hi_q = np.quantile(placebo, [0.025, 0.975])
    low, high = effect - hi_q, effect - lo_q
    p_value = float((np.abs(placebo) >= abs(effect)).mean())
    return {
        "effect_pct": round(_pct(effect), 2),
        "low_pct": round(_pct(low), 2),
        "high_pct": round(_pct(high), 2),
        "p_value": round(p_value, 4),
        "significant": bool(low > 0 or high < 0),
        "days_before": int((~frame.after).sum()),
        "days_after": int(frame.after.sum()),
    }


def summary_fr(result: dict, *, label: str = "les passages aux sites concernés") -> str:
    """One French sentence a town council can read, e.g. for the pooled effect."""
    verdict = (
        "changement net, au-delà des variations habituelles"
        if result["significant"]
        else "pas distinguable d'une absence de changement"
    )
    return (
        f"{label[0].upper()}{label[1:]} ont changé de {_fmt(result['effect_pct'])} "
        f"(intervalle à 95 % : {_fmt(result['low_pct'])} à {_fmt(result['high_pct'])}) : {verdict}."
    )


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
    result of ``indicators.hourly_volume``; a ``count`` column is accepted for ``volume``).
    """
    if not treated or not control:
        raise ValueError("evaluation needs at least one treated and one control site")
    overlap = set(treated) & set(control)
    if overlap:
        raise ValueError(f"sites both treated and control: {', '.join(sorted(overlap))}")
    data = hourly.rename(columns={"count": "volume"})
    data = data[data.site_id.isin(set(treated) | set(control))].copy()
    data["local_date"] = pd.to_datetime(data.local_date).dt.date
    start, end = (
        intervention - timedelta(days=before_days),
        intervention + timedelta(days=after_days),
    )
    data = data[(data.local_date >= start) & (data.local_date < end)]
    hol = holidays.Switzerland(subdiv=subdiv, years=range(start.year, end.year + 1))
    holiday = data.local_date.map(lambda d: d in hol)
    excluded = holiday | (data.local_date == intervention)
    holidays_excluded = sorted({str(d) for d in data.local_date[holiday]})
    data = data[~excluded]
    missing = [s for s in list(treated) + list(control) if s not in set(data.site_id)]
    if missing:
        raise ValueError(f"no data in the windows for site(s): {', '.join(missing)}")
    data["after"] = data.local_date >= intervention
    data["how"] = pd.to_datetime(data.local_date).dt.day_of_week * 24 + data.local_hour
    data["y"] = np.log1p(data.volume.astype(float))
    fe = data[~data.after].groupby(["site_id", "how"]).y.mean().rename("fe")
    data = data.join(fe, on=["site_id", "how"])
    data = data.dropna(subset=["fe"])  # an hour of the week never seen before cannot be compared
    unseen = [s for s in list(treated) + list(control) if s not in set(data.site_id)]
    if unseen:
        raise ValueError(f"no data before the intervention for site(s): {', '.join(unseen)}")
    data["r"] = data.y - data.fe
    daily = data.groupby(["local_date", "site_id"]).r.mean().unstack("site_id")
    after = pd.Series(daily.index >= intervention, index=daily.index)
    for group, sites in (("treated", treated), ("control", control)):
        if daily.loc[after.values, sites].dropna(how="all").empty:
            raise ValueError(f"no {group} data after the intervention")

    blocks_per_side = min(before_days, after_days) // block_days
    block = block_days if blocks_per_side >= MIN_BLOCKS else 1
    control_mean = daily[control].mean(axis=1)
    rng = np.random.default_rng(seed)
    pooled = _interval(
        daily[treated].mean(axis=1) - control_mean, after, block, n_permutations, rng
    )
    pooled["summary_fr"] = summary_fr(pooled)
    per_site = {}
    for site in treated:
        res = _interval(daily[site] - control_mean, after, block, n_permutations, rng)
        res["summary_fr"] = summary_fr(res, label=f"les passages au site {site}")
        per_site[site] = res
    return {
        "method": "difference-in-differences, site x hour-of-week fixed effects, "
        f"permutation of {block}-day blocks ({n_permutations} draws)",
        "intervention": intervention.isoformat(),
        "before": [start.isoformat(), (intervention - timedelta(days=1)).isoformat()],
        "after": [intervention.isoformat(), (end - timedelta(days=1)).isoformat()],
        "treated": list(treated),
        "control": list(control),
        "holidays_excluded": holidays_excluded,
        "pooled": pooled,
        "per_site": per_site,
        "summary_fr": pooled["summary_fr"],
    }
