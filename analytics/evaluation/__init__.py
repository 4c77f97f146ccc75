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

from .analysis import MIN_BLOCKS
from .controls import rank_controls
from .effect import evaluate
from .text import summary_fr

__all__ = ["evaluate", "rank_controls", "summary_fr", "MIN_BLOCKS"]
