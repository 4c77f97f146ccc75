"""The evaluation across several treated and control sites, its values worked out by hand: the
interval comes from the spread between sites (Student t)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.evaluation import evaluate, stats
from analytics.tests.test_evaluation_one_pair import AFTER_DAYS, EVENT


def counts_a_day(after: dict) -> pd.DataFrame:
    """As one_count_a_day, for any sites: 99 a day before, 100 x factor - 1 after."""
    window = {date(2024, 5, d) for d in (8, 10, 11, 12, 13, 14, 15, 17, 18, 19, 21)}
    rows = []
    for day in pd.date_range("2024-05-01", "2024-05-31").date:
        for site, factors in after.items():
            factor = factors[AFTER_DAYS.index(day)] if day in AFTER_DAYS else 1.0
            volume = 100 * factor - 1 if day in window else 5000
            rows.append({"site_id": site, "local_date": day, "local_hour": 8, "volume": volume})
    return pd.DataFrame(rows)


T_975 = {1: 12.7062, 2: 4.3027}  # Student t, 97.5 % quantiles from the printed tables


def test_two_treated_and_two_control_sites_get_an_interval_from_their_spread():
    # given the treated sites up 4/3 x 1.1 and 4/3 / 1.1 after the day, the controls up 1.1
    # and down 1 / 1.1: site changes e = log 4/3 + h, log 4/3 - h, h, -h with h = log 1.1
    h, g = np.log(1.1), np.log(4 / 3)
    hourly = counts_a_day(
        {
            "T1": [4 / 3 * 1.1] * 4,
            "T2": [4 / 3 / 1.1] * 4,
            "C1": [1.1] * 4,
            "C2": [1 / 1.1] * 4,
        }
    )
    # when evaluated
    result = evaluate(
        hourly,
        treated=["T1", "T2"],
        control=["C1", "C2"],
        intervention=EVENT,
        before_days=8,
        after_days=6,
    )
    # then the effect is log 4/3 = +33.33 %; each group's spread is 2 h^2, so the pooled
    # variance is 4 h^2 / 2 df and the standard error sqrt(2 h^2 (1/2 + 1/2)) = h sqrt 2;
    # the interval is log 4/3 +- 4.3027 h sqrt 2 and t = log(4/3) / (h sqrt 2) = 2.134, whose
    # two-sided p with 2 df is 1 - t / sqrt(2 + t^2) = 0.166: no net change
    pooled = result["pooled"]
    se = h * np.sqrt(2)
    assert pooled["effect_pct"] == 33.33
    assert pooled["low_pct"] == pytest.approx(100 * (4 / 3 * np.exp(-T_975[2] * se) - 1), abs=0.01)
    assert pooled["high_pct"] == pytest.approx(100 * (4 / 3 * np.exp(T_975[2] * se) - 1), abs=0.01)
    t = g / se
    assert pooled["p_value"] == pytest.approx(1 - t / np.sqrt(2 + t * t), abs=1e-4)
    assert (pooled["df"], pooled["significant"], pooled["verdict"]) == (2, False, "none")
    assert result["inference"] == {"kind": "sites", "df": 2, "block_days": None, "draws": None}
    assert result["method"] == (
        "difference-in-differences on daily totals, site x weekday baselines; 95 % interval "
        "across sites (Student t, 2 df)"
    )
    # and T1 against the controls: e = log 4/3 + h; the controls' spread 2 h^2 over 1 df,
    # so se = sqrt(2 h^2 (1 + 1/2)) = h sqrt 3, and with 1 df p = 1 - 2/pi atan(t)
    t1 = result["per_site"]["T1"]
    se1 = h * np.sqrt(3)
    assert t1["effect_pct"] == pytest.approx(100 * (4 / 3 * 1.1 - 1), abs=0.01)
    assert t1["high_pct"] == pytest.approx(100 * (4 / 3 * 1.1 * np.exp(T_975[1] * se1) - 1), 1e-3)
    t = (g + h) / se1
    assert t1["p_value"] == pytest.approx(1 - 2 / np.pi * np.arctan(t), abs=1e-4)
    assert t1["df"] == 1
    # and the warnings say there are few controls; before, nothing moved: no pre-trend
    assert result["warnings"] == ["few_controls"]
    assert result["pretrend"] == {
        "pct_per_week": 0.0,
        "low_pct": 0.0,
        "high_pct": 0.0,
        "p_value": 1.0,
        "warn": False,
    }
    # and the event study: the week before is 0, the first week after the effect itself
    weeks = {w["week"]: w for w in result["event_study"]}
    assert sorted(weeks) == [-2, -1, 0]
    assert weeks[-1]["effect_pct"] == 0.0 and weeks[-1]["days"] == 6  # Ascension left out
    assert weeks[0]["start"] == "2024-05-16" and weeks[0]["end"] == "2024-05-22"
    assert (weeks[0]["effect_pct"], weeks[0]["days"]) == (33.33, 4)
    assert (weeks[0]["low_pct"], weeks[0]["high_pct"]) == (pooled["low_pct"], pooled["high_pct"])
    # and vehicles a day: the treated sites count 100 x 4/3 x 1.1 - 1 and 100 x 4/3 / 1.1 - 1
    after = 100 * 4 / 3 * (1.1 + 1 / 1.1) - 2
    assert pooled["per_day"] == round(after / 4, 1)
    assert pooled["daily_before"] == 198.0


def test_a_clear_change_at_several_sites_is_a_net_change():
    # given three treated sites down 20 % (and a little spread), three controls around 1
    hourly = counts_a_day(
        {
            "T1": [0.8 * 1.01] * 4,
            "T2": [0.8] * 4,
            "T3": [0.8 / 1.01] * 4,
            "C1": [1.01] * 4,
            "C2": [1.0] * 4,
            "C3": [1 / 1.01] * 4,
        }
    )
    result = evaluate(
        hourly,
        treated=["T1", "T2", "T3"],
        control=["C1", "C2", "C3"],
        intervention=EVENT,
        before_days=8,
        after_days=6,
    )
    # then: -20 %, 4 df, a net change; T2 alone is exactly -20 %
    pooled = result["pooled"]
    assert (pooled["effect_pct"], pooled["df"], pooled["verdict"]) == (-20.0, 4, "net")
    assert pooled["high_pct"] < 0 and pooled["p_value"] < 0.001
    assert result["per_site"]["T2"]["effect_pct"] == -20.0
    assert result["per_site"]["T2"]["verdict"] == "net"
    assert result["warnings"] == []
    assert result["summary_fr"].endswith("changement net, au-delà des variations habituelles.")


def test_student_t_matches_the_printed_tables():
    for df, q in ((1, 12.7062), (2, 4.3027), (3, 3.1824), (6, 2.4469), (10, 2.2281)):
        assert stats.t_quantile(0.975, df) == pytest.approx(q, abs=1e-4)
    assert stats.t_quantile(0.95, 4) == pytest.approx(2.1318, abs=1e-4)
    assert float(stats.t_abs_cdf(2.0, 30)) == pytest.approx(1 - 0.0546, abs=1e-4)
