"""Small-sample statistics without scipy: Student's t for an integer number of degrees of
freedom (closed forms), the two tests across sites the evaluation uses, and the permutation of
blocks of days kept for evaluations with too few sites to compare sites with one another.

Every function takes arrays with any leading batch dimensions (the Monte-Carlo calibration test
runs thousands of evaluations in one call); the site axis is the last one.
"""

from __future__ import annotations

import math

import numpy as np


def t_abs_cdf(t, df: int) -> np.ndarray:
    """P(|T| < t) for Student's T with ``df`` >= 1 degrees of freedom (exact finite sums, e.g.
    Abramowitz & Stegun 26.7.3/26.7.4)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    t = np.abs(np.asarray(t, dtype=float))
    theta = np.arctan(t / math.sqrt(df))
    c2, s = np.cos(theta) ** 2, np.sin(theta)
    term, total = np.ones_like(t), np.ones_like(t)
    if df % 2:
        for k in range(1, (df - 1) // 2):
            term = term * c2 * (2 * k) / (2 * k + 1)
            total = total + term
        inner = s * np.cos(theta) * total if df > 1 else 0.0
        return np.clip(2 / math.pi * (theta + inner), 0.0, 1.0)
    for k in range(1, df // 2):
        term = term * c2 * (2 * k - 1) / (2 * k)
        total = total + term
    return np.clip(s * total, 0.0, 1.0)


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (p > 0.5) of Student's t with ``df`` degrees of freedom (bisection)."""
    target = 2 * p - 1
    low, high = 0.0, 1.0
    while float(t_abs_cdf(high, df)) < target:
        high *= 2
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if float(t_abs_cdf(mid, df)) < target else (low, mid)
    return (low + high) / 2


def p_two_sided(estimate, se, df: int) -> np.ndarray:
    """Two-sided p-value of estimate / se; an exact fit (se = 0) gives 0, or 1 for a zero."""
    estimate, se = np.asarray(estimate, float), np.asarray(se, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 1 - t_abs_cdf(np.where(se > 0, estimate / se, 0.0), df)
    return np.where(se > 0, p, np.where(estimate == 0, 1.0, 0.0))


def _ss(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of squares around the mean and the count, over the last axis (NaN left out)."""
    n = np.sum(~np.isnan(values), axis=-1)
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(values, axis=-1, keepdims=True)
    return np.nansum((values - mean) ** 2, axis=-1), n


def groups(treated: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean of treated minus mean of controls, its standard error and degrees of freedom, from
    the spread of the sites around their group's mean (two-sample t with pooled variance).
    Arrays (..., sites); a site with NaN is left out (the df counts the usual sites)."""
    ss_t, n_t = _ss(treated)
    ss_c, n_c = _ss(control)
    df = treated.shape[-1] + control.shape[-1] - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = np.nanmean(treated, axis=-1) - np.nanmean(control, axis=-1)
        var = (ss_t + ss_c) / np.maximum(n_t + n_c - 2, 1)
        se = np.sqrt(var * (1 / n_t + 1 / n_c))
    return estimate, se, df


def one_site(site: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """One site against the controls' mean: estimate, standard error from the controls' spread
    (another site drawn like them would differ by that much), degrees of freedom."""
    ss_c, n_c = _ss(control)
    df = control.shape[-1] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = site - np.nanmean(control, axis=-1)
        se = np.sqrt(ss_c / np.maximum(n_c - 1, 1) * (1 + 1 / n_c))
    return estimate, se, df


def block_permutation(
    contrast: np.ndarray, after: np.ndarray, day_no: np.ndarray, block_days: int, draws: int, rng
) -> dict:
    """The interval of a daily contrast series by permutation in time (kept for one treated and
    one control site, where sites cannot be compared with one another): whole blocks of
    ``block_days`` days are shuffled between before and after, after removing the effect from
    the after days; the spread of those placebo effects is the estimate's error. Not
    calibrated when days are correlated beyond a block (docs/decisions/0019)."""
    keep = ~np.isnan(contrast)
    d, a, days = contrast[keep], after[keep], day_no[keep]
    effect = d[a].mean() - d[~a].mean()
    d = d - effect * a
    blocks = (days - days.min()) // block_days
    keys = np.stack([blocks, a.astype(int)], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=d)
    counts = np.bincount(inverse.ravel()).astype(float)
    n_after_blocks = int(uniq[:, 1].sum())
    placebo = np.empty(draws)
    for i in range(draws):
        pick = np.zeros(len(sums), dtype=bool)
        pick[rng.choice(len(sums), n_after_blocks, replace=False)] = True
        placebo[i] = sums[pick].sum() / counts[pick].sum() - sums[~pick].sum() / counts[~pick].sum()
    lo_q, hi_q = np.quantile(placebo, [0.025, 0.975])
    return {
        "estimate": float(effect),
        "low": float(effect - hi_q),
        "high": float(effect - lo_q),
        "p_value": float((np.abs(placebo) >= abs(effect)).mean()),
    }
