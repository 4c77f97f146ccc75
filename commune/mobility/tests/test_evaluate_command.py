"""`manage.py mobility_evaluate` on synthetic counts with a known injected effect."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from analytics import synthetic

SITES = [f"S{i:05d}" for i in range(8)]
TREATED, CONTROL = SITES[:4], SITES[4:]
WHEN = date(2024, 3, 28)


def _write(town, warehouse_dir, *, modes: bool):
    spec = synthetic.CountsSpec(
        n_sites=8,
        start=date(2024, 2, 1),
        days=112,
        seed=5,
        effect=synthetic.Effect(sites=TREATED, start=WHEN, change=-0.15),
        modes=modes,
    )
    synthetic.write_counts(warehouse_dir / str(town.pk) / "counts", spec)
    return town


@pytest.fixture
def counts_with_effect(town_a, warehouse_dir):
    """Counts of 8 sites over 16 weeks, each of one mode (cars, bicycles...); the first four
    fall by 15 % from WHEN."""
    return _write(town_a, warehouse_dir, modes=True)


@pytest.fixture
def unclassified_counts_with_effect(town_a, warehouse_dir):
    """The same, every site counting vehicles without classes (one mode, 'all')."""
    return _write(town_a, warehouse_dir, modes=False)


def evaluate(town, *extra):
    out = io.StringIO()
    call_command(
        "mobility_evaluate",
        "--municipality",
        town.slug,
        "--treated",
        ",".join(TREATED),
        "--control",
        ",".join(CONTROL),
        "--date",
        WHEN.isoformat(),
        "--before",
        "56",
        "--after",
        "56",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_json_result_recovers_the_injected_effect_per_site_and_pooled(
    unclassified_counts_with_effect,
):
    # when: no mode given, the sites' one mode
    result = json.loads(evaluate(unclassified_counts_with_effect, "--json"))
    assert result["mode"] == "all"
    # then
    pooled = result["pooled"]
    assert pooled["low_pct"] <= -15 <= pooled["high_pct"]
    assert pooled["significant"] is True
    assert sorted(result["per_site"]) == TREATED
    assert result["summary_fr"]


def test_text_output_shows_pooled_and_per_site_effects(unclassified_counts_with_effect):
    out = evaluate(unclassified_counts_with_effect, "--language", "en")
    assert "All treated sites" in out
    for site in TREATED:
        assert site in out


def test_sites_without_data_or_a_town_without_counts_is_exit_code_2(town_a, town_b, warehouse_dir):
    # given: no counts at all for town B
    with pytest.raises(CommandError) as no_counts:
        evaluate(town_b, "--language", "en")
    assert no_counts.value.returncode == 2
    assert "has no counts imported yet" in str(no_counts.value)


def test_unknown_site_is_exit_code_2(unclassified_counts_with_effect):
    with pytest.raises(CommandError) as caught:
        call_command(
            "mobility_evaluate",
            "--municipality",
            unclassified_counts_with_effect.slug,
            "--treated",
            "NOPE",
            "--control",
            ",".join(CONTROL),
            "--date",
            WHEN.isoformat(),
            "--language",
            "en",
        )
    assert caught.value.returncode == 2
    assert "NOPE" in str(caught.value)
