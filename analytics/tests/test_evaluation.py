"""The evaluation recovers an injected effect and finds none in a placebo."""

import json
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import synthetic
from analytics.evaluation import evaluate, rank_controls, stats, summary_fr
from analytics.evaluation.panel import build

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


# --- values worked out by hand ------------------------------------------------------------------
# One count a day at 08:00 for a treated site T and a control site C, 1 to 31 May 2024, around
# Thursday 16 May. With 8 days before and 6 after, the windows are 8-15 May (Ascension, 9 May,
# left out: 7 days) and 16-21 May (the day itself and Whit Monday, 20 May, left out: 17, 18, 19
# and 21 May). Each weekday occurs once before (Wednesday twice, at the same count), so the
# hour-of-week effects are the counts before and every residual before is 0. A day outside the
# windows, a holiday or the day itself has a count of 5000, which would show if it were used.
EVENT = date(2024, 5, 16)
AFTER_DAYS = [date(2024, 5, d) for d in (17, 18, 19, 21)]


def one_count_a_day(after: dict) -> pd.DataFrame:
    """T and C at 99 a day before (log(1 + 99) = log 100), after: 100 x the factor given - 1."""
    window = {date(2024, 5, d) for d in (8, 10, 11, 12, 13, 14, 15, 17, 18, 19, 21)}
    rows = []
    for day in pd.date_range("2024-05-01", "2024-05-31").date:
        for site in ("T", "C"):
            factor = after[site][AFTER_DAYS.index(day)] if day in AFTER_DAYS else 1.0
            volume = 100 * factor - 1 if day in window else 5000
            rows.append({"site_id": site, "local_date": day, "local_hour": 8, "volume": volume})
    return pd.DataFrame(rows)


def test_the_effect_and_its_interval_worked_out_by_hand():
    # given C up 10 % after the day, and T up 10 % x 4/3, except two days where it is also
    # x 1.25^(28/11) and / 1.25^(28/11): the daily contrast D = r_T - r_C is 0 on the 7 days
    # before and log(4/3) + (h, -h, 0, 0) on the 4 days after, with h = 28/11 log 1.25
    s = 1.25 ** (28 / 11)
    hourly = one_count_a_day({"C": [1.1] * 4, "T": [1.1 * 4 / 3 * f for f in (s, 1 / s, 1, 1)]})
    # when evaluated over 8 days before and 6 after
    result = evaluate(
        hourly, treated=["T"], control=["C"], intervention=EVENT, before_days=8, after_days=6
    )
    # then the effect is log(4/3): +33.33 %. Without it, the 11 days are 0 but for +h and -h;
    # a placebo draws 4 of the 11 days as "after": sum(drawn) x (1/4 + 1/7) = sum x 11/28, that
    # is +-log 1.25 when one of the two is drawn without the other (14/55 each), 0 otherwise.
    # The 2.5 % and 97.5 % quantiles are those extremes: the interval is
    # [4/3 / 1.25 - 1, 4/3 x 1.25 - 1] = [+6.67 %, +66.67 %]; no placebo reaches |log 4/3|.
    # With one site on each side there is no spread between sites to measure: the interval
    # is from time only, and the verdict says so instead of "changement net".
    expected = {
        "effect_pct": 33.33,
        "low_pct": 6.67,
        "high_pct": 66.67,
        "p_value": 0.0,
        "significant": True,
        "net": False,
        "verdict": "few_sites",
        "df": None,
        "days_before": 7,
        "days_after": 4,
    }
    assert {k: result["pooled"][k] for k in expected} == expected
    assert {k: result["per_site"]["T"][k] for k in expected} == expected
    few = (
        "changement apparent, mais avec un seul site témoin et un seul site traité "
        "l'intervalle ne tient compte que des variations d'un jour à l'autre."
    )
    assert result["summary_fr"] == (
        "Les passages aux sites concernés ont changé de +33 % (intervalle à 95 % : +7 % à "
        f"+67 %) : {few}"
    )
    assert result["per_site"]["T"]["summary_fr"] == (
        f"Les passages au site T ont changé de +33 % (intervalle à 95 % : +7 % à +67 %) : {few}"
    )
    # in vehicles a day: T counted 100 x 1.1 x 4/3 x (s, 1/s, 1, 1) - 1 after the day; the
    # change is their mean x (1 - 3/4), the interval's ends x (1 - 1.25 x 3/4) and (1 - 3/5)
    t_after = (100 * 1.1 * 4 / 3 * (s + 1 / s + 2) - 4) / 4
    pooled = result["pooled"]
    assert pooled["daily_before"] == 99.0 and pooled["daily_after"] == round(t_after, 1)
    assert pooled["per_day"] == round(t_after / 4, 1)
    assert pooled["per_day_low"] == round(t_after * (1 - 1 / (4 / 3 / 1.25)), 1)
    assert pooled["per_day_high"] == round(t_after * (1 - 1 / (4 / 3 * 1.25)), 1)
    # and the report says what was compared
    diagnostics = ("pooled", "per_site", "event_study", "pretrend", "placebos")
    assert {k: v for k, v in result.items() if k not in diagnostics} == {
        "method": "difference-in-differences on daily totals, site x weekday baselines; "
        "permutation of 1-day blocks (2000 draws)",
        "inference": {"kind": "time", "df": None, "block_days": 1, "draws": 2000},
        "verdict": "few_sites",
        "warnings": ["few_sites"],
        "days_incomplete": 0,
        "intervention": "2024-05-16",
        "before": ["2024-05-08", "2024-05-15"],
        "after": ["2024-05-16", "2024-05-21"],
        "treated": ["T"],
        "control": ["C"],
        "holidays_excluded": ["2024-05-09", "2024-05-20"],  # not the day itself (it was listed)
        "summary_fr": result["pooled"]["summary_fr"],
    }


def test_no_change_at_all_gives_an_interval_around_zero_and_a_p_value_of_one():
    # given the same days, T and C moving together after the day except T's +h and -h days
    s = 1.25 ** (28 / 11)
    hourly = one_count_a_day({"C": [1.1] * 4, "T": [1.1 * f for f in (s, 1 / s, 1, 1)]})
    # (its dates as timestamps, as a Parquet file gives them)
    hourly["local_date"] = pd.to_datetime(hourly.local_date)
    # when evaluated
    result = evaluate(
        hourly, treated=["T"], control=["C"], intervention=EVENT, before_days=8, after_days=6
    )
    # then the effect is 0, the interval [1 / 1.25 - 1, 1.25 - 1], and every placebo is at
    # least as far from 0 as the effect: p = 1
    pooled = result["pooled"]
    assert (pooled["effect_pct"], pooled["low_pct"], pooled["high_pct"]) == (0.0, -20.0, 25.0)
    assert (pooled["p_value"], pooled["significant"]) == (1.0, False)
    assert result["summary_fr"] == (
        "Les passages aux sites concernés ont changé de 0 % (intervalle à 95 % : −20 % à "
        "+25 %) : pas distinguable d'une absence de changement."
    )


@pytest.mark.parametrize(
    ("days", "block"),
    [({}, 7), ({"before_days": 35, "after_days": 35}, 7), ({"before_days": 34}, 1)],
)
def test_whole_weeks_are_permuted_once_there_are_five_on_each_side(days, block):
    # given every count doubled at T from the day on, C unchanged
    hourly = pd.DataFrame(
        [
            {"site_id": site, "local_date": day, "local_hour": 8, "volume": volume}
            for day in pd.date_range("2024-01-01", "2024-12-31").date
            for site, volume in (("T", 199 if day >= EVENT else 99), ("C", 99))
        ]
    )
    # when evaluated with the default windows (56 days each side), 35 (5 weeks) or 34 before
    result = evaluate(hourly, treated=["T"], control=["C"], intervention=EVENT, **days)
    # then the blocks are weeks with 5 weeks or more on the shorter side, else days
    assert result["method"].endswith(f"permutation of {block}-day blocks (2000 draws)")
    # and the windows are those asked (by default 56 days each side)
    before = days.get("before_days", 56)
    after = days.get("after_days", 56)
    assert result["before"] == [str(EVENT - timedelta(days=before)), "2024-05-15"]
    assert result["after"] == ["2024-05-16", str(EVENT + timedelta(days=after - 1))]
    # and a doubling is +100 %, with nothing left to permute
    pooled = result["pooled"]
    assert (pooled["effect_pct"], pooled["low_pct"], pooled["high_pct"]) == (100.0, 100.0, 100.0)


def test_summary_sentences_round_to_whole_percents_with_their_sign():
    # +1.2 % in [-0.4 %, +2.6 %]: +1 %, 0 % (no sign), +3 %; not significant
    calm = {"effect_pct": 1.2, "low_pct": -0.4, "high_pct": 2.6, "significant": False}
    assert summary_fr(calm, label="les vélos") == (
        "Les vélos ont changé de +1 % (intervalle à 95 % : 0 % à +3 %) : "
        "pas distinguable d'une absence de changement."
    )
    # -15.3 % in [-22.4 %, -1.0 %]: a real minus sign, significant
    fall = {"effect_pct": -15.3, "low_pct": -22.4, "high_pct": -1.0, "significant": True}
    assert summary_fr(fall) == (
        "Les passages aux sites concernés ont changé de −15 % (intervalle à 95 % : −22 % à "
        "−1 %) : changement net, au-delà des variations habituelles."
    )


def test_what_cannot_be_evaluated_is_said_plainly():
    hourly = one_count_a_day({"C": [1.0] * 4, "T": [1.0] * 4})
    both = dict(intervention=EVENT, before_days=8, after_days=6)
    with pytest.raises(ValueError, match="^evaluation needs at least one treated and one control"):
        evaluate(hourly, treated=[], control=["C"], **both)
    with pytest.raises(ValueError, match="^evaluation needs at least one treated and one control"):
        evaluate(hourly, treated=["T"], control=[], **both)
    with pytest.raises(ValueError, match="^sites both treated and control: C, T$"):
        evaluate(hourly, treated=["T", "C"], control=["C", "T"], **both)
    with pytest.raises(ValueError, match=r"^no data in the windows for site\(s\): X, Y$"):
        evaluate(hourly, treated=["T", "X"], control=["C", "Y"], **both)
    # a site counted only before the day, or only after it
    for site, group in (("T", "treated"), ("C", "control")):
        before_only = hourly[~((hourly.site_id == site) & (hourly.local_date > EVENT))]
        with pytest.raises(ValueError, match=f"^no {group} data after the intervention$"):
            evaluate(before_only, treated=["T"], control=["C"], **both)
    # (its hours of the week have no level before to compare with: it was a KeyError)
    after_only = hourly[~(hourly.site_id.isin(["C", "T"]) & (hourly.local_date < EVENT))]
    with pytest.raises(ValueError, match=r"^no data before the intervention for site\(s\): T, C$"):
        evaluate(after_only, treated=["T"], control=["C"], **both)


# --- across sites: values worked out by hand --------------------------------------------------


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


def test_a_day_with_missing_hours_is_completed_from_the_usual_profile():
    # given a site counting 100 at 8:00 and 300 at 17:00 every day, whose 17:00 is missing on
    # one after day, and one day with both hours missing but a single 8:00 of 100
    rows = []
    days = pd.date_range("2024-03-04", periods=28).date  # Monday 4 March to Sunday 31 March
    for day in days:
        for site in ("T", "C1", "C2"):
            for hour, volume in ((8, 100.0), (17, 300.0)):
                if site == "T" and day == date(2024, 3, 20) and hour == 17:
                    continue  # a quarter of the usual day observed: completed to 400
                if site == "T" and day == date(2024, 3, 21) and hour == 8:
                    continue  # 300 of 400: three quarters, completed too
                rows.append((site, day, hour, volume * (1.5 if site == "T" else 1.0)))
    hourly = pd.DataFrame(rows, columns=["site_id", "local_date", "local_hour", "volume"])
    # when the panel is built around 18 March
    panel = build(
        hourly,
        sites=["T", "C1", "C2"],
        intervention=date(2024, 3, 18),
        start=date(2024, 3, 4),
        end=date(2024, 4, 1),
        subdiv="VD",
    )
    # then the day with a quarter of its traffic is left out, the other completed to 600
    totals = dict(zip(panel.dates, panel.total[0], strict=True))
    assert np.isnan(totals[date(2024, 3, 20)])
    assert totals[date(2024, 3, 21)] == 600.0
    assert panel.days_incomplete == 1
    assert date(2024, 3, 29) not in panel.dates  # Good Friday left out
    assert date(2024, 3, 18) not in panel.dates  # the day itself left out


def test_student_t_matches_the_printed_tables():
    for df, q in ((1, 12.7062), (2, 4.3027), (3, 3.1824), (6, 2.4469), (10, 2.2281)):
        assert stats.t_quantile(0.975, df) == pytest.approx(q, abs=1e-4)
    assert stats.t_quantile(0.95, 4) == pytest.approx(2.1318, abs=1e-4)
    assert float(stats.t_abs_cdf(2.0, 30)) == pytest.approx(1 - 0.0546, abs=1e-4)


def test_control_sites_are_ranked_by_how_their_before_period_moves_like_the_treated():
    # given treated sites that dip in the second week, a control that dips with them, one
    # that stays flat and one that rises
    rows = []
    days = pd.date_range("2024-01-01", periods=28).date
    for i, day in enumerate(days):
        week = i // 7
        dip = 0.9 if week == 1 else 1.0
        for site, factor in (
            ("T1", dip),
            ("T2", dip),
            ("ALIKE", dip),
            ("FLAT", 1.0),
            ("RISING", 1.0 + 0.05 * week),
        ):
            rows.append((site, day, 8, 1000 * factor))
    hourly = pd.DataFrame(rows, columns=["site_id", "local_date", "local_hour", "volume"])
    # when the candidates are ranked for an intervention on 29 January
    ranked = rank_controls(
        hourly,
        treated=["T1", "T2"],
        candidates=["RISING", "FLAT", "ALIKE", "T1", "NOPE"],
        intervention=date(2024, 1, 29),
        before_days=28,
    )
    # then the one that moves alike comes first (no gap at all), the treated and the unknown
    # are left out; the rising one drifts away from the treated by ~5 % a week
    assert [r["site_id"] for r in ranked] == ["ALIKE", "FLAT", "RISING"]
    assert ranked[0]["gap_pct"] == 0.0 and ranked[0]["correlation"] == 1.0
    assert ranked[2]["drift_pct_per_week"] < -3
    assert ranked[0]["weeks"] == 4
