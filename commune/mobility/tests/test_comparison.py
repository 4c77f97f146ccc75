"""Comparisons on the observatory (issue 9): this period against the one just before, or the
same weeks a year earlier (52 weeks: a Monday against a Monday), per site as the mean volume
per day over the days with counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from commune.mobility import selectors
from commune.mobility.presentation import comparison_rows
from commune.tenants.scoping import scope

from .test_observatory import analyst, data_a, url  # noqa: F401  (fixtures)


def test_means_per_day_not_totals_so_a_site_down_for_days_is_no_fall():
    # given site A counted 2 days of 100 now and 4 days of 50 before; B only before
    now = pd.DataFrame({"site_id": ["A", "A"], "local_date": [1, 2], "volume": [100, 100]})
    then = pd.DataFrame(
        {"site_id": ["A"] * 4 + ["B"], "local_date": [1, 2, 3, 4, 1], "volume": [50] * 4 + [7]}
    )
    # when
    rows = {r["id"]: r for r in comparison_rows(now, then, {"A": "Avenue"})}
    # then: A doubled per day (its totals are equal), B has nothing to compare
    assert (rows["A"]["now"], rows["A"]["then"], rows["A"]["change"]) == (100.0, 50.0, 100.0)
    assert (rows["A"]["days_now"], rows["A"]["days_then"], rows["A"]["name"]) == (2, 4, "Avenue")
    assert rows["B"]["now"] is None and rows["B"]["change"] is None


def test_the_page_compares_with_the_period_just_before(analyst, data_a):  # noqa: F811
    period = {"start": "2026-02-02", "end": "2026-02-15"}
    response = analyst.get(url(data_a), {**period, "compare": "previous"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert (comparison["start"], comparison["end"]) == (dt.date(2026, 1, 19), dt.date(2026, 2, 1))
    # the figures are the two periods' own daily volumes, read apart
    with scope(data_a):
        before = selectors.observatory_data(
            municipality=data_a, start=dt.date(2026, 1, 19), end=dt.date(2026, 2, 1)
        )["daily"]
        now = selectors.observatory_data(
            municipality=data_a, start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 15)
        )["daily"]
    row = next(r for r in comparison["rows"] if r["id"] == "P01")
    mean_now = now[now.site_id == "P01"].volume.mean()
    mean_before = before[before.site_id == "P01"].volume.mean()
    assert row["change"] == round((mean_now / mean_before - 1) * 100, 1)
    assert row["days_now"] == 14 and row["days_then"] == 14
    body = response.content.decode()
    assert 'id="comparison-table"' in body and "compared with" in body
    # and the export links keep the comparison chosen
    assert "compare=previous" in response.context["export_query"]


def test_a_year_earlier_is_52_weeks_back_and_says_when_nothing_was_counted(analyst, data_a):  # noqa: F811
    response = analyst.get(
        url(data_a), {"start": "2026-02-02", "end": "2026-02-15", "compare": "year"}
    )
    comparison = response.context["comparison"]
    assert (comparison["start"], comparison["end"]) == (dt.date(2025, 2, 3), dt.date(2025, 2, 16))
    assert comparison["start"].isoweekday() == dt.date(2026, 2, 2).isoweekday()
    assert all(r["then"] is None and r["change"] is None for r in comparison["rows"])


def test_an_unknown_comparison_is_a_form_error_not_a_500(analyst, data_a):  # noqa: F811
    response = analyst.get(url(data_a), {"compare": "decade"})
    assert response.status_code == 400
    assert "comparison" not in response.context
