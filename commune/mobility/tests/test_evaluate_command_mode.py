"""`manage.py mobility_evaluate --mode`: one mode evaluated, never modes summed (issue 9)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from .test_evaluate_command import WHEN, counts_with_effect  # noqa: F401 - the fixture


def run(town, *extra):
    out = io.StringIO()
    call_command(
        "mobility_evaluate",
        "--municipality",
        town.slug,
        "--date",
        WHEN.isoformat(),
        "--language",
        "en",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_the_cars_of_car_sites_are_evaluated(counts_with_effect):  # noqa: F811
    # given S00000-S00002 and S00007 count cars (the generator's modes), the first four fell
    out = run(
        counts_with_effect,
        "--treated",
        "S00000,S00001",
        "--control",
        "S00007",
        "--mode",
        "car",
        "--json",
    )
    result = json.loads(out)
    # then a car evaluation against the one car site that did not change: about -15 %
    assert result["mode"] == "car"
    assert -20 < result["pooled"]["effect_pct"] < -10
    assert result["inference"] == {"kind": "sites", "df": 1, "block_days": None, "draws": None}


def test_a_site_without_counts_of_the_mode_is_exit_code_2(counts_with_effect):  # noqa: F811
    # S00000 counts cars only: it has no bicycles in the windows
    with pytest.raises(CommandError) as caught:
        run(counts_with_effect, "--treated", "S00000", "--control", "S00003", "--mode", "bicycle")
    assert caught.value.returncode == 2
    assert "no data in the windows for site(s): S00000" in str(caught.value)


def test_without_a_mode_the_sites_one_mode_is_evaluated(counts_with_effect):  # noqa: F811
    out = run(counts_with_effect, "--treated", "S00000,S00001", "--control", "S00007", "--json")
    assert json.loads(out)["mode"] == "car"


def test_without_a_mode_sites_counting_several_are_never_added_together(counts_with_effect):  # noqa: F811
    # S00003 counts bicycles, S00000 cars
    with pytest.raises(CommandError) as caught:
        run(counts_with_effect, "--treated", "S00000", "--control", "S00003")
    assert caught.value.returncode == 2
    assert "these sites count several modes (bicycle, car): choose one" in str(caught.value)
