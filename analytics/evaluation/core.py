"""The difference-in-differences of one evaluation (or a batch of them) on a panel of daily
values: y[..., site, day] = log(1 + the site's total that day), NaN where not used.

Per site, the baseline of each weekday is its mean over the before days, and e_s is the mean,
over the after days, of the day's value minus its weekday's baseline: the site's change. The
effect is mean e over treated sites minus mean e over controls; its interval comes from how
much sites differ from one another (stats.groups), so a correlation between the days of a site,
however strong, is inside it. The same change "allowing for the trend seen before" extrapolates
each site's slope within the before window (weekday means taken out) to the after days: a
"changement net" needs the change to stand out from 0 at 95 % and, one-sided, its trend-adjusted
value too (a slow drift that was already there is not taken for an effect).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from . import stats

LEVEL = 0.95


@dataclass
class Sites:
    """What each site did: change e, trend-adjusted change, slope per day before, residuals."""

    change: np.ndarray  # (..., S)
    adjusted: np.ndarray  # (..., S)
    slope: np.ndarray  # (..., S) per day, in the before window
    residual: np.ndarray  # (..., S, N)


def _nanmean(values: np.ndarray, mask: np.ndarray, axis=-1) -> np.ndarray:
    """Mean over ``mask`` (NaN where nothing is left: a site with no such day)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.where(mask, values, np.nan), axis=axis)


def sites(y: np.ndarray, day: np.ndarray, dow: np.ndarray) -> Sites:
    """Per-site changes on the panel ``y`` (..., S, N); ``day`` is each column's day number
    from the intervention (negative before), ``dow`` its weekday (0-6)."""
    before, after = day < 0, day >= 0
    seen = ~np.isnan(y)
    x = np.broadcast_to(day.astype(float), y.shape)
    base = np.full(y.shape[:-1] + (7,), np.nan)
    centre = np.full(y.shape[:-1] + (7,), np.nan)
    for k in range(7):
        cols = before & (dow == k)
        if cols.any():
            base[..., k] = _nanmean(y[..., cols], seen[..., cols])
            centre[..., k] = _nanmean(x[..., cols], seen[..., cols])
    residual = y - base[..., dow]
    xc = x - centre[..., dow]
    used_before = before & seen & ~np.isnan(residual)
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = np.nansum(np.where(used_before, xc**2, np.nan), axis=-1)
        sxy = np.nansum(np.where(used_before, xc * residual, np.nan), axis=-1)
        slope = np.where(sxx > 0, sxy / sxx, 0.0)
    used_after = after & ~np.isnan(residual)
    change = _nanmean(residual, used_after)
    adjusted = change - slope * _nanmean(xc, used_after)
    return Sites(change=change, adjusted=adjusted, slope=slope, residual=residual)


def interval(estimate, se, df: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Low, high (95 %) and the two-sided p-value of a t statistic."""
    q = stats.t_quantile((1 + LEVEL) / 2, df)
    return estimate - q * se, estimate + q * se, stats.p_two_sided(estimate, se, df)


def net(estimate, low, high, adjusted, adjusted_se, df: int) -> np.ndarray:
    """A "changement net": the interval excludes 0 and the trend-adjusted change is beyond 0 on
    the same side (one-sided 95 %)."""
    q = stats.t_quantile(LEVEL, df)
    up = (low > 0) & (adjusted - q * adjusted_se > 0)
    down = (high < 0) & (adjusted + q * adjusted_se < 0)
    return up | down


def pooled(s: Sites, treated: np.ndarray) -> dict:
    """The treated sites together against the controls: arrays over the batch."""
    est, se, df = stats.groups(s.change[..., treated], s.change[..., ~treated])
    adj, adj_se, _ = stats.groups(s.adjusted[..., treated], s.adjusted[..., ~treated])
    low, high, p = interval(est, se, df)
    return {
        "estimate": est,
        "se": se,
        "low": low,
        "high": high,
        "p_value": p,
        "df": df,
        "significant": (low > 0) | (high < 0),
        "net": net(est, low, high, adj, adj_se, df),
        "adjusted": adj,
    }


def one(s: Sites, site: int, treated: np.ndarray) -> dict:
    """One treated site against the controls (their spread gives the interval)."""
    est, se, df = stats.one_site(s.change[..., site], s.change[..., ~treated])
    adj, adj_se, _ = stats.one_site(s.adjusted[..., site], s.adjusted[..., ~treated])
    low, high, p = interval(est, se, df)
    return {
        "estimate": est,
        "se": se,
        "low": low,
        "high": high,
        "p_value": p,
        "df": df,
        "significant": (low > 0) | (high < 0),
        "net": net(est, low, high, adj, adj_se, df),
        "adjusted": adj,
    }


def pretrend(s: Sites, treated: np.ndarray) -> dict:
    """Did treated and control sites already drift apart before? Slope per day of treated
    minus controls in the before window, with its interval and p-value."""
    est, se, df = stats.groups(s.slope[..., treated], s.slope[..., ~treated])
    low, high, p = interval(est, se, df)
    return {"estimate": est, "low": low, "high": high, "p_value": p, "df": df}


def weekly(s: Sites, day: np.ndarray, treated: np.ndarray) -> list[dict]:
    """Event study: for each week from the intervention (week 0 = its first 7 days, -1 the 7
    days before), treated minus control mean of the sites' residuals, with its interval across
    sites (None when there are too few sites)."""
    week = np.floor_divide(day, 7)
    out = []
    for w in np.unique(week):
        cols = week == w
        values = _nanmean(s.residual[..., cols], ~np.isnan(s.residual[..., cols]))
        est, se, df = stats.groups(values[..., treated], values[..., ~treated])
        row = {"week": int(w), "estimate": est, "days": int(cols.sum())}
        if df >= 1:
            row["low"], row["high"], row["p_value"] = interval(est, se, df)
        out.append(row)
    return out
