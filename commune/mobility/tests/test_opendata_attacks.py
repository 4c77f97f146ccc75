"""Attacks on the open data (issue 7): a visitor recovers no figure below k, by subtraction or by
any linear algebra over everything the public side serves.

The town's data is full of small cells (tests/opendata_data.py). The three attacks the review
found are scripted as a visitor would run them: the same requests with free periods and sites
(which the public side now ignores), then the same subtraction on every published period. The
last test collects every page and export of every published period, in every format, as
equations over the true underlying cells (tests/opendata_attacker.py) and solves them."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from analytics import privacy

from .opendata_attacker import WITH_PEOPLE, Attacker, export_period, hidden
from .opendata_data import K, import_town, publish

D1 = dt.date(2026, 1, 14)  # a Wednesday in January


@pytest.fixture
def town(town_a, tmp_path):
    truth = import_town(town_a, tmp_path)
    publish(town_a)
    return town_a, truth


def url(town, name):
    return reverse(name, kwargs={"town": town.slug})


def published_periods(client, town) -> list[str]:
    """The periods the open page offers: its period list and its links."""
    html = client.get(url(town, "mobility:observatory-open")).content.decode()
    options = re.findall(r'<option value="([0-9-]+)"', html)
    return sorted(set(options) | set(re.findall(r"period=([0-9-]+)", html)))


def _csv(response) -> pd.DataFrame:
    assert response.status_code == 200, response.content[:300]
    return pd.read_csv(io.BytesIO(response.content))


def bundles(client, town, probes: list[dict], indicators: tuple[str, ...]) -> list[dict]:
    """For each probe (free parameters a visitor tries) and each published period: the
    period the response declares and the CSV of each indicator."""
    queries = probes + [{"period": p} for p in published_periods(client, town)]
    out = []
    for query in queries:
        bundle = {}
        for indicator in indicators:
            response = client.get(
                url(town, "mobility:export-open-csv"), {**query, "indicator": indicator}
            )
            bundle[indicator] = _csv(response)
            bundle["start"], bundle["end"] = export_period(response)
        out.append(bundle)
    return out


def _days(bundle, weekday=None) -> set[dt.date]:
    days = pd.date_range(bundle["start"], bundle["end"]).date
    return {d for d in days if weekday is None or d.isoweekday() == weekday}


def _profile_truth(attacker, bundle, weekday, hour) -> float:
    sites = set(bundle["daily"].site_id)
    vector = attacker.profile(bundle["start"], bundle["end"], weekday, hour, sites=sites)
    return attacker._value(vector)


# --- 1. a daily total minus the visible hours -------------------------------------------------


def _one_small_hour(truth):
    """A day on which site S3 has exactly one hour below k."""
    s3 = truth.counts[(truth.counts.site_id == "S3") & (truth.counts.local_date >= D1)]
    small = s3[s3.volume < K].groupby("local_date").size()
    return small[small == 1].index[0]


def test_a_hidden_hour_is_not_the_daily_total_minus_the_visible_hours(town):
    # given: a day with one hour below k at a site, asked for alone (site and day)
    town, truth = town
    day = _one_small_hour(truth)
    attacker = Attacker(truth)
    probe = {"start": day.isoformat(), "end": day.isoformat(), "site": "S3"}
    served = bundles(Client(), town, [probe], ("daily", "profile"))
    # when: per weekday, the sites' daily volumes minus the visible hours of the profile
    targets, recovered = 0, []
    for bundle in served:
        daily, profile = bundle["daily"], bundle["profile"]
        for weekday, hours in profile.groupby("iso_weekday"):
            days = _days(bundle, weekday)
            volumes = daily[daily.local_date.map(dt.date.fromisoformat).isin(days)].volume
            gone = hours[hours.mean_volume.isna()]
            truths = [_profile_truth(attacker, bundle, weekday, h) for h in gone.local_hour]
            targets += sum(t < K for t in truths)
            if len(gone) != 1 or volumes.isna().any() or not len(volumes):
                continue
            guess = volumes.sum() / len(days) - hours.mean_volume.sum()
            if truths[0] < K and abs(guess - truths[0]) < 1e-6:
                recovered.append((bundle["start"], bundle["end"], weekday, guess))
    # then: there were hidden hours below k to find, and none was found
    assert targets > 0
    assert recovered == []


# --- 2. two overlapping periods ------------------------------------------------------------


def _differencing(served, value_of, cells, days_of, weight):
    """For a hidden cell of one served period R: a served period Q containing R, and other
    served periods that cover exactly the rest of Q (for that cell), all showing the cell:
    weight(Q) x Q - sum(weight(P) x P) = weight(R) x R."""
    found = []
    for r in served:
        for cell in cells(r):
            if not hidden(value_of(r, cell)):
                continue
            for q in served:
                if q is r or not days_of(r, cell) < days_of(q, cell):
                    continue
                if hidden(value_of(q, cell)):
                    continue
                rest, parts = days_of(q, cell) - days_of(r, cell), []
                for p in sorted(served, key=lambda b: -len(days_of(b, cell))):
                    d = days_of(p, cell)
                    if p is q or p is r or not d or not d <= rest or hidden(value_of(p, cell)):
                        continue
                    parts.append(p)
                    rest -= d
                if rest:
                    continue
                total = weight(q, cell) * value_of(q, cell)
                total -= sum(weight(p, cell) * value_of(p, cell) for p in parts)
                found.append((r, cell, total / weight(r, cell)))
                break
    return found


def _profile_value(bundle, cell):
    weekday, hour = cell
    rows = bundle["profile"][
        (bundle["profile"].iso_weekday == weekday) & (bundle["profile"].local_hour == hour)
    ]
    return rows.mean_volume.iloc[0] if len(rows) else None


def test_a_hidden_hour_is_not_the_difference_of_two_overlapping_periods(town):
    # given: an hour of site S3 below k on a day, above k a week later, asked for over the eight
    # days, over the eighth day and over the first day
    town, truth = town
    s3 = truth.counts[truth.counts.site_id == "S3"].set_index(["local_date", "local_hour"]).volume
    day, hour = next(
        (d, h)
        for (d, h), v in s3.items()
        if d >= D1
        and v < K
        and (d + dt.timedelta(days=7), h) in s3
        and s3[(d + dt.timedelta(days=7), h)] >= 2 * K - v
    )
    eighth = day + dt.timedelta(days=7)
    probes = [
        {"start": day.isoformat(), "end": eighth.isoformat(), "site": "S3"},
        {"start": eighth.isoformat(), "end": eighth.isoformat(), "site": "S3"},
        {"start": day.isoformat(), "end": day.isoformat(), "site": "S3"},
    ]
    served = bundles(Client(), town, probes, ("daily", "profile"))
    attacker = Attacker(truth)

    def cells(bundle):
        return list(zip(bundle["profile"].iso_weekday, bundle["profile"].local_hour, strict=True))

    # when: mean over the container x its days - the other periods' means x their days
    found = _differencing(
        served,
        _profile_value,
        cells,
        lambda b, cell: _days(b, cell[0]),
        lambda b, cell: len(_days(b, cell[0])),
    )
    truths = [_profile_truth(attacker, r, *cell) for r, cell, _guess in found]
    recovered = [
        (r["start"], r["end"], cell, guess)
        for (r, cell, guess), t in zip(found, truths, strict=True)
        if t < K and abs(guess - t) < 1e-6
    ]
    targets = sum(
        _profile_truth(attacker, b, *cell) < K
        for b in served
        for cell in cells(b)
        if hidden(_profile_value(b, cell))
    )
    # then
    assert targets > 0
    assert recovered == []


# --- 3. adjacent periods of the OD matrix -------------------------------------------------


def _od_value(bundle, cell):
    od = bundle["od"]
    rows = od[(od.origin == cell[0]) & (od.destination == cell[1])]
    return rows.trips.iloc[0] if len(rows) else None


def test_a_hidden_od_cell_is_not_the_difference_of_adjacent_periods(town):
    # given: a week of OD trips, the same week but its first day, and the first day alone
    town, truth = town
    week_end = D1 + dt.timedelta(days=6)
    probes = [
        {"start": D1.isoformat(), "end": week_end.isoformat()},
        {"start": (D1 + dt.timedelta(days=1)).isoformat(), "end": week_end.isoformat()},
        {"start": D1.isoformat(), "end": D1.isoformat()},
    ]
    served = bundles(Client(), town, probes, ("od",))
    attacker = Attacker(truth)

    def cells(bundle):
        return list(zip(bundle["od"].origin, bundle["od"].destination, strict=True))

    # when: the container's cell minus the other periods' cells
    found = _differencing(served, _od_value, cells, lambda b, cell: _days(b), lambda b, cell: 1.0)
    recovered = []
    for r, cell, guess in found:
        t = attacker._value(attacker.od_cell(r["start"], r["end"], *cell))
        if t < K and abs(guess - t) < 1e-6:
            recovered.append((r["start"], r["end"], cell, guess, t))
    targets = sum(
        attacker._value(attacker.od_cell(b["start"], b["end"], *cell)) < K
        for b in served
        for cell in cells(b)
        if hidden(_od_value(b, cell))
    )
    # then
    assert targets > 0
    assert recovered == []


# --- everything served, solved as one linear system ---------------------------------------


def everything_served(town, truth) -> Attacker:
    """Everything an anonymous visitor can fetch, read by the attacker: every published
    period's page, every indicator's CSV and Parquet export and the GeoJSON, and free periods a
    visitor tries."""
    client = Client()
    attacker = Attacker(truth)
    day = D1.isoformat()
    probes = [
        {},
        {"start": day, "end": day},
        {"start": day, "end": (D1 + dt.timedelta(days=7)).isoformat()},
        {
            "start": (D1 + dt.timedelta(days=1)).isoformat(),
            "end": (D1 + dt.timedelta(days=7)).isoformat(),
        },
    ]
    periods = [{"period": p} for p in published_periods(client, town)]
    for query in probes + periods:
        required = query in periods  # a probe may be refused (400); a published period not
        page = url(town, "mobility:observatory-open")
        attacker.read_page(client.get(page, query), f"page {query}")
        for indicator in WITH_PEOPLE:
            for name in ("mobility:export-open-csv", "mobility:export-open-parquet"):
                response = client.get(url(town, name), {**query, "indicator": indicator})
                attacker.read_export(response, indicator, f"{name} {query}", required=required)
        geo = client.get(url(town, "mobility:export-open-geojson"), query)
        attacker.read_geojson(geo, f"geojson {query}", required=required)
    return attacker


def test_nothing_the_public_side_serves_determines_a_cell_below_k(town):
    # given: everything the public side serves
    town, truth = town
    attacker = everything_served(town, truth)
    # when: the attacker solves everything at once
    leaks = attacker.system.leaks()
    # then: no cell below k is determined, and the attacker read every figure right
    assert not leaks, f"{len(leaks)} cells below k recovered:\n" + "\n".join(map(str, leaks[:15]))
    assert not attacker.system.inconsistent()
    assert len(attacker.system.targets) > 1000  # there was much to find
    assert len(attacker.served) > 200


def _primary_only(cells, *, k, atoms, known=(), frozen=None):
    """Hide what is below k, nothing more (the old per-table rule, without totals' care)."""
    frozen = dict(frozen or {})
    primary = {c.key for c in cells if c.value < k and c.key not in frozen}
    return privacy.Linked(hidden=primary | {key for key, h in frozen.items() if h}, primary=primary)


def _month_alone(cells, *, k, atoms, known=(), frozen=None):
    """Suppress a month on its own, as if its weeks had not been published."""
    frozen = dict(frozen or {})
    days = {key: h for key, h in frozen.items() if key[0] == "daily"}
    mine = [c for c in cells if c.key not in frozen or c.key in days]
    out = SUPPRESS(mine, k=k, atoms=atoms, known=known, frozen=days)
    out.hidden |= {key for key, h in frozen.items() if h}
    return out


SUPPRESS = privacy.suppress_linked


@pytest.mark.parametrize("broken", [_primary_only, _month_alone])
def test_the_attack_suite_finds_the_leaks_of_a_broken_suppression(
    town_a, tmp_path, monkeypatch, broken
):
    # given: the same town published with a suppression broken on purpose
    truth = import_town(town_a, tmp_path)
    monkeypatch.setattr(privacy, "suppress_linked", broken)
    publish(town_a)
    monkeypatch.setattr(privacy, "suppress_linked", SUPPRESS)
    # when
    leaks = everything_served(town_a, truth).system.leaks()
    # then: the suite sees cells below k come out (so its silence above means something)
    assert len(leaks) > 20
    assert all(abs(leak.recovered - leak.truth) < 1e-6 for leak in leaks)
