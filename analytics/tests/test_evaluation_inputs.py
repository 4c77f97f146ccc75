"""What an evaluation is given: the daily panel (missing hours completed, holidays and the day
itself left out) and the control sites ranked by how alike they move before the day."""

from datetime import date

import numpy as np
import pandas as pd

from analytics.evaluation import rank_controls
from analytics.evaluation.panel import build


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
