"""Monte-Carlo calibration of the evaluation's inference (analytics.evaluation.core, the code
evaluate() runs on its panel of daily totals).

Each run simulates 3 treated and 5 control sites: log daily totals = site level + weekday
pattern + a shock common to all sites that day (weather) + the site's own AR(1) noise
(correlation 0.5 or 0.8 from one day to the next, each site's noise 0.04 to 0.08, i.e. sites
differ), 2 % of site-days missing; windows of 14 or 28 days on each side.

Binomial margin: with R runs and a true rate of 5 %, the observed rate has a standard deviation
of sqrt(0.05 x 0.95 / R): 0.49 points for R = 2000, so the 7 % bound lies 4 standard deviations
above a calibrated 5 % (a calibrated method fails it with probability < 1e-4), while the old
time-only method (12 %, 21 %, 43 % in issue 9) fails it by 10 or more. Coverage with R = 1000:
sd 0.69 points, 90 % is 7 sd below 95 %.

Run once against the old time-only method (block permutation, analytics/evaluation.py at git
249233d, through its evaluate() with one count a day, 300 runs a scenario, 200 permutations,
this file's simulate()): "changement net" without any effect in 31.7 % of runs (14 days,
rho 0.5), 58.7 % (14 days, 0.8), 23.3 % (28 days, 0.5), 55.7 % (28 days, 0.8), and with the
drift 83.7 % (14 days, 0.5) and 100 % (28 days, 0.5): every bound below fails on it.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from analytics.evaluation import core

N_TREATED, N_CONTROL = 3, 5
WEEKDAY = np.array([0.0, 0.02, 0.03, 0.04, 0.08, -0.15, -0.4])
DRIFT = 0.004  # treated sites' own drift, per day (+2.8 % a week), before and after alike
TRUE_EFFECT = np.log(0.85)  # -15 %


def simulate(runs: int, window: int, rho: float, rng, *, drift=0.0, effect=0.0):
    """(runs, sites, days) log daily totals, day numbers from the intervention, weekdays."""
    sites, days = N_TREATED + N_CONTROL, 2 * window
    day = np.arange(days) - window
    noise = np.empty((runs, sites, days))
    noise[..., 0] = rng.normal(size=(runs, sites))
    innovation = rng.normal(size=(runs, sites, days)) * np.sqrt(1 - rho**2)
    for d in range(1, days):
        noise[..., d] = rho * noise[..., d - 1] + innovation[..., d]
    noise *= rng.uniform(0.04, 0.08, size=(runs, sites, 1))
    level = rng.uniform(7, 9.5, size=(runs, sites, 1))
    common = rng.normal(0, 0.08, size=(runs, 1, days))
    y = level + WEEKDAY[(day + 7 * window) % 7] + common + noise
    treated = np.arange(sites) < N_TREATED
    y[:, treated, :] += drift * (day + 0.5) + effect * (day >= 0)
    y[rng.random(y.shape) < 0.02] = np.nan
    return y, day, (day + 7 * window) % 7, treated


def pooled_results(y, day, dow, treated):
    return core.pooled(core.sites(y, day, dow), treated)


SCENARIOS = [(14, 0.5), (14, 0.8), (28, 0.5), (28, 0.8)]


@pytest.mark.parametrize(("window", "rho"), SCENARIOS)
def test_without_an_effect_changement_net_comes_out_in_at_most_7_percent_of_runs(window, rho):
    # given 2000 simulated evaluations with no effect
    rng = np.random.default_rng(1000 + window * 10 + int(rho * 10))
    y, day, dow, treated = simulate(2000, window, rho, rng)
    # when evaluated
    res = pooled_results(y, day, dow, treated)
    # then the 95 % interval excludes 0 in at most 7 % of runs, and so does "changement net"
    assert res["significant"].mean() <= 0.07
    assert res["net"].mean() <= 0.07
    # and it is not so wide it never does (a calibrated 5 % lies within 3 sd, 0.035-0.065)
    assert res["significant"].mean() >= 0.035


@pytest.mark.parametrize(("window", "rho"), SCENARIOS)
def test_a_slow_drift_of_the_treated_sites_is_not_taken_for_an_effect(window, rho):
    # given treated sites drifting by +0.4 % a day against the controls, before and after the
    # date, and no effect: the interval alone excludes 0 in many runs (up to 99 %). A run
    # counts as a false "changement net" only if its verdict is "net"; the trend-adjusted
    # guard turns the others into "changement apparent, mais il pourrait prolonger une
    # évolution déjà en cours" (verdict "drift"), which is not a claim of an effect.
    rng = np.random.default_rng(2000 + window * 10 + int(rho * 10))
    y, day, dow, treated = simulate(2000, window, rho, rng, drift=DRIFT)
    # when evaluated
    res = pooled_results(y, day, dow, treated)
    # then "changement net" comes out in at most 7 % of runs
    assert res["net"].mean() <= 0.07
    if (window, rho) == (28, 0.5):
        assert res["significant"].mean() > 0.9  # the drift alone would fool the interval


@pytest.mark.parametrize(("window", "rho"), SCENARIOS)
def test_a_true_minus_15_percent_is_inside_the_interval_in_at_least_90_percent_of_runs(window, rho):
    rng = np.random.default_rng(3000 + window * 10 + int(rho * 10))
    y, day, dow, treated = simulate(1000, window, rho, rng, effect=TRUE_EFFECT)
    res = pooled_results(y, day, dow, treated)
    covered = (res["low"] <= TRUE_EFFECT) & (TRUE_EFFECT <= res["high"])
    assert covered.mean() >= 0.90
    # and the effect is found: "changement net" in most runs
    assert res["net"].mean() >= 0.4


def test_one_site_against_the_controls_is_calibrated_too():
    # given no effect, 28-day windows, correlation 0.8
    rng = np.random.default_rng(4)
    y, day, dow, treated = simulate(2000, 28, 0.8, rng)
    s = core.sites(y, day, dow)
    # when each treated site is compared with the controls' spread
    rates = [core.one(s, i, treated)["significant"].mean() for i in range(N_TREATED)]
    # then each is at most 7 %
    assert max(rates) <= 0.07


def test_the_calibration_runs_fast_enough_for_the_suite():
    start = time.perf_counter()
    rng = np.random.default_rng(5)
    pooled_results(*simulate(2000, 28, 0.8, rng))
    assert time.perf_counter() - start < 5
