"""The pooled and per-site results of the difference-in-differences on a panel: across sites
(core.py) where there are enough of them, else by permutation of blocks of days (stats.py)."""

from __future__ import annotations

import numpy as np

from . import core, stats
from .panel import Panel
from .results import mean

MIN_BLOCKS = 5


def _by_permutation(contrast, panel, block, draws, rng) -> dict:
    res = stats.block_permutation(contrast, panel.day >= 0, panel.day, block, draws, rng)
    res["significant"] = res["low"] > 0 or res["high"] < 0
    res["df"] = 0
    return res


def analyse(panel: Panel, treated: list[str], *, block: int, draws: int, rng) -> dict:
    """Pooled and per-site results on a panel (the evaluation's, or a placebo's)."""
    y, day = panel.y, panel.day
    is_treated = np.array([s in set(treated) for s in panel.sites])
    s = core.sites(y, day, panel.dow)
    n_control = int((~is_treated).sum())
    pooled_ok = is_treated.sum() + n_control - 2 >= 1
    control_mean = mean(s.residual[~is_treated], axis=0)
    if pooled_ok:
        pooled = {k: np.asarray(v).item() for k, v in core.pooled(s, is_treated).items()}
    else:
        contrast = mean(s.residual[is_treated], axis=0) - control_mean
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


def block_size(before_days: int, after_days: int, block_days: int) -> int:
    return block_days if min(before_days, after_days) // block_days >= MIN_BLOCKS else 1
