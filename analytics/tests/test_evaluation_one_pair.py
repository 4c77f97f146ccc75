"""The evaluation of one treated and one control site, its values worked out by hand: with no
spread between sites to measure, the interval comes from permuting days (or weeks)."""

from datetime import date, timedelta

import pandas as pd
import pytest

from analytics.evaluation import evaluate, summary_fr

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
