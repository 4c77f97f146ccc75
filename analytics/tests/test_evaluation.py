"""The evaluation recovers an injected effect, finds none in a placebo, and does not take a drift
that was already there for a change (synthetic counts)."""

import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import synthetic
from analytics.evaluation import evaluate

SITES = [f"S{i:05d}" for i in range(10)]
TREATED, CONTROL = SITES[:5], SITES[5:]
WHEN = date(2024, 3, 28)  # the day before Good Friday: holidays fall in the after window


def generated(change: float, seed: int):
    spec = synthetic.CountsSpec(
        n_sites=10,
        start=date(2024, 2, 1),
        days=112,
        seed=seed,
        effect=synthetic.Effect(sites=TREATED, start=WHEN, change=change),
    )
    return synthetic.counts_frame(spec)


@pytest.mark.parametrize("seed", [3, 4])
def test_an_injected_minus_15_percent_lies_inside_the_interval(seed):
    # given treated sites whose counts fall by 15 % from the intervention date
    hourly = generated(-0.15, seed)
    # when evaluated
    result = evaluate(hourly, treated=TREATED, control=CONTROL, intervention=WHEN)
    # then the pooled and every per-site interval contain -15 % and exclude 0
    pooled = result["pooled"]
    assert pooled["low_pct"] <= -15 <= pooled["high_pct"]
    assert pooled["high_pct"] < 0 and pooled["significant"]
    for site in TREATED:
        assert result["per_site"][site]["low_pct"] <= -15 <= result["per_site"][site]["high_pct"]
    assert "2024-03-29" in result["holidays_excluded"]  # Good Friday
    assert re.match(
        r"Les passages aux sites concernés ont changé de −1[456] %", result["summary_fr"]
    )
    json.dumps(result)


@pytest.mark.parametrize("seed", [5, 6])
def test_a_placebo_finds_no_effect(seed):
    # given no change at all
    hourly = generated(0.0, seed)
    # when evaluated
    result = evaluate(hourly, treated=TREATED, control=CONTROL, intervention=WHEN)
    # then the interval covers 0 and the summary says so
    assert result["pooled"]["low_pct"] <= 0 <= result["pooled"]["high_pct"]
    assert not result["pooled"]["significant"]
    assert "pas distinguable d'une absence de changement" in result["summary_fr"]
    # and evaluated again, the same figures (the permutations are drawn from a fixed seed)
    assert evaluate(hourly, treated=TREATED, control=CONTROL, intervention=WHEN) == result


def test_per_site_effects_show_what_the_pooled_one_hides():
    # given one treated site up 25 % and another down 20 %
    spec = synthetic.CountsSpec(n_sites=10, start=date(2024, 2, 1), days=112, seed=9)
    hourly = synthetic.counts_frame(spec)
    hourly["count"] = hourly["count"].astype(float)
    after = hourly.local_date >= WHEN
    hourly.loc[after & (hourly.site_id == "S00000"), "count"] *= 1.25
    hourly.loc[after & (hourly.site_id == "S00001"), "count"] *= 0.8
    # when evaluated together
    result = evaluate(hourly, treated=["S00000", "S00001"], control=CONTROL, intervention=WHEN)
    # then each site's own effect is reported
    assert result["per_site"]["S00000"]["low_pct"] <= 25 <= result["per_site"]["S00000"]["high_pct"]
    assert (
        result["per_site"]["S00001"]["low_pct"] <= -20 <= result["per_site"]["S00001"]["high_pct"]
    )


def test_bad_requests_get_clear_errors():
    hourly = generated(0.0, 1)
    with pytest.raises(ValueError, match="both treated and control"):
        evaluate(hourly, treated=["S00000"], control=["S00000"], intervention=WHEN)
    with pytest.raises(ValueError, match="no data in the windows for site"):
        evaluate(hourly, treated=["nope"], control=CONTROL, intervention=WHEN)


def drifting(days: int, *, slope: float, seed: int = 0) -> pd.DataFrame:
    """Two treated sites growing by e^slope a day before and after, three steady controls; a
    little day-to-day noise everywhere; one count a day at 8:00 from 1 January 2024."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, day in enumerate(pd.date_range("2024-01-01", periods=days).date):
        for site in ("T1", "T2", "C1", "C2", "C3"):
            trend = slope * i if site.startswith("T") else 0.0
            volume = 1000 * np.exp(trend + rng.normal(0, 0.01))
            rows.append({"site_id": site, "local_date": day, "local_hour": 8, "volume": volume})
    return pd.DataFrame(rows)


def test_a_drift_already_there_before_is_not_called_a_net_change():
    # given treated sites growing by 1 % a day for 10 weeks, no change at the date
    hourly = drifting(70, slope=0.01)
    # when evaluated around 12 February (28 days before and after)
    result = evaluate(
        hourly,
        treated=["T1", "T2"],
        control=["C1", "C2", "C3"],
        intervention=date(2024, 2, 12),
        before_days=28,
        after_days=28,
    )
    # then the plain difference is large and outside its interval, but it is only the trend
    # continuing: verdict "drift", the pre-trend test warns (+7 % a week), and the placebo
    # dates before the real one show "changes" too
    pooled = result["pooled"]
    assert pooled["significant"] and pooled["effect_pct"] > 25
    assert pooled["verdict"] == "drift" and not pooled["net"]
    assert result["pretrend"]["warn"]
    assert result["pretrend"]["pct_per_week"] == pytest.approx(100 * (np.exp(0.07) - 1), abs=0.6)
    assert [p["weeks_before"] for p in result["placebos"]] == [1, 2, 3]
    assert [p["date"] for p in result["placebos"]] == ["2024-02-05", "2024-01-29", "2024-01-22"]
    assert all(p["significant"] for p in result["placebos"])
    assert {"pretrend", "drift", "placebo"} <= set(result["warnings"])
    assert "évolution déjà en cours" in result["summary_fr"]


def test_steady_sites_get_no_pretrend_warning_nor_significant_placebo():
    hourly = drifting(70, slope=0.0, seed=3)
    result = evaluate(
        hourly,
        treated=["T1", "T2"],
        control=["C1", "C2", "C3"],
        intervention=date(2024, 2, 12),
        before_days=28,
        after_days=28,
    )
    assert not result["pretrend"]["warn"]
    assert not any(p["significant"] for p in result["placebos"])
    assert result["verdict"] == "none"
