"""From hourly volumes to the panel of daily totals an evaluation compares.

A day's total is what a council means by "vehicles a day": every hour weighs what it carries
(an average of hourly logarithms would weigh 3 a.m. like 8 a.m.). A day with missing hours is
completed from the site's usual hour-of-week profile (the before window's mean per hour):
total = observed / share of the usual day the observed hours carry; a day whose observed hours
carry less than MIN_SHARE of it is left out. Public holidays of the canton and the intervention
day are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd

MIN_SHARE = 0.75


@dataclass
class Panel:
    """Daily totals of the sites (rows, in ``sites`` order) over the days kept (columns)."""

    sites: list[str]
    dates: list[date]
    total: np.ndarray  # (S, N) completed daily totals, NaN = not used
    day: np.ndarray  # (N,) day number from the intervention
    dow: np.ndarray  # (N,) weekday, 0 = Monday
    holidays_excluded: list[str]
    days_incomplete: int

    @property
    def y(self) -> np.ndarray:
        return np.log1p(self.total)


def windows(intervention: date, before_days: int, after_days: int) -> tuple[date, date]:
    return intervention - timedelta(days=before_days), intervention + timedelta(days=after_days)


def build(
    hourly: pd.DataFrame,
    *,
    sites: list[str],
    intervention: date,
    start: date,
    end: date,
    subdiv: str,
) -> Panel:
    """The panel of ``sites`` from ``start`` (incl.) to ``end`` (excl.). ``hourly``: site_id,
    local_date, local_hour, volume (or count)."""
    data = hourly.rename(columns={"count": "volume"})
    data = data[data.site_id.isin(set(sites))].copy()
    data["local_date"] = pd.to_datetime(data.local_date).dt.date
    data = data[(data.local_date >= start) & (data.local_date < end)]
    hol = holidays.Switzerland(subdiv=subdiv, years=range(start.year, end.year + 1))
    holiday = data.local_date.map(lambda d: d in hol).astype(bool)
    holidays_excluded = sorted({str(d) for d in data.local_date[holiday]})
    data = data[~holiday & (data.local_date != intervention)]
    data["volume"] = data.volume.astype(float)
    data["dow"] = pd.to_datetime(data.local_date).dt.day_of_week
    before = data[data.local_date < intervention]
    profile = before.groupby(["site_id", "dow", "local_hour"]).volume.mean().rename("p")
    usual = profile.groupby(["site_id", "dow"]).sum().rename("usual")
    hours = data[["site_id", "local_date", "dow", "local_hour"]].drop_duplicates()
    hours = hours.join(profile, on=["site_id", "dow", "local_hour"])
    seen = hours.groupby(["site_id", "local_date", "dow"]).p.sum().rename("seen").reset_index()
    seen = seen.join(usual, on=["site_id", "dow"])
    share = np.where(seen.usual > 0, seen.seen / seen.usual, 1.0)
    seen["share"] = np.where(np.isnan(share), 1.0, share)
    totals = data.groupby(["site_id", "local_date"]).volume.sum().rename("observed").reset_index()
    days = totals.merge(seen[["site_id", "local_date", "share"]], on=["site_id", "local_date"])
    complete = days.share >= MIN_SHARE
    days = days[complete]
    days["total"] = days.observed / np.minimum(days.share, 1.0)
    dates = sorted(set(days.local_date))
    matrix = (
        days.pivot(index="site_id", columns="local_date", values="total")
        .reindex(index=list(sites), columns=dates)
        .to_numpy(dtype=float)
    )
    day = np.array([(d - intervention).days for d in dates], dtype=int)
    dow = np.array([d.weekday() for d in dates], dtype=int)
    return Panel(
        sites=list(sites),
        dates=dates,
        total=matrix.reshape(len(sites), len(dates)),
        day=day,
        dow=dow,
        holidays_excluded=holidays_excluded,
        days_incomplete=int((~complete).sum()),
    )
