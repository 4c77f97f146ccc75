"""A chart's value axis writes each tick with the decimals its step needs: a quiet site's daily
volume of 0 to 2 reads 0.0, 0.5, 1.0, 1.5, 2.0 (never 0, 0, 1, 2, 2), and small effects keep
distinct ticks (issue 9)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from commune.mobility import charts


def _value_ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" fill="#1f2933">([^<]*)</text>', svg)


@translation.override("en")
def test_a_small_daily_volume_has_ticks_that_differ():
    days = [dt.date(2026, 1, 5) + dt.timedelta(days=i) for i in range(3)]
    svg = charts.sparkline(
        "Volume", list(zip(days, [0.5, 1.2, 2.0], strict=True)), x_title="Jour", y_title="v/j"
    )
    assert _value_ticks(svg) == ["0.0", "0.5", "1.0", "1.5", "2.0"]


@translation.override("en")
def test_small_effects_keep_distinct_ticks():
    weeks = [
        {"week": -1, "effect_pct": -0.08, "low_pct": -0.1, "high_pct": -0.02},
        {"week": 0, "effect_pct": 0.04, "low_pct": 0.01, "high_pct": 0.1},
    ]
    svg = charts.event_study(
        "Effet",
        weeks,
        x_title="Semaine",
        y_title="%",
        before="avant",
        after="après",
        interval="intervalle",
        intervention="mesure",
        week_label="semaine %(week)s",
    )
    ticks = [t for t in _value_ticks(svg) if t != "0"]
    assert len(ticks) == len(set(ticks)) >= 3
    assert "\u22120.05" in ticks and "+0.05" in ticks


def test_days_without_data_are_a_gap_at_their_place_on_the_time_axis():
    # given a site that counted on 5 to 7 January, then not until the 20th
    days = [dt.date(2026, 1, d) for d in (5, 6, 7, 20, 21)]
    svg = charts.sparkline("Volume", [(d, 100.0) for d in days], x_title="Jour", y_title="v/j")
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    xs = [float(x) for x in re.findall(r"[ML]([\d.]+),", path)]
    # then the line stops at the 7th and starts again at the 20th, 15 days of 16 along
    assert path.count("M") == 2
    left, width = xs[0], xs[-1] - xs[0]
    assert abs((xs[3] - left) / width - 15 / 16) < 0.01
    assert "14.01." in svg  # the axis' dates run through the gap


@pytest.mark.parametrize(("language", "half"), [("fr", "0,5"), ("de", "0,5"), ("en", "0.5")])
def test_a_charts_decimals_are_written_as_the_readers_language_writes_them(language, half):
    days = [dt.date(2026, 1, 5) + dt.timedelta(days=i) for i in range(3)]
    with translation.override(language):
        svg = charts.sparkline(
            "Volume", list(zip(days, [0.5, 1.2, 2.0], strict=True)), x_title="J", y_title="v"
        )
    assert half in _value_ticks(svg)
