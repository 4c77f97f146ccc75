"""The evaluation recovers an injected effect and finds none in a placebo."""

import json
import re
from datetime import date

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
