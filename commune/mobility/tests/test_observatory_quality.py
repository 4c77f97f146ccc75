"""The observatory's data quality: hours expected over the period the analyst chose (23 or 25
on the clock-change days, in Europe/Zurich), for every site of the town, a site that never
delivered anything included (all its hours missing)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.test import Client
from django.utils import translation

from commune.accounts.models import Role
from commune.mobility import services
from commune.tenants.scoping import scope

from .test_observatory import member, publish_all, url, write_data

#: write_data's counts run from 5 January to 15 March 2026; March 2026 has 743 hours (29 March,
#: the spring switch, has 23).
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def declare_silent_site(town, tmp_path) -> None:
    """A ninth site, declared by the town (a sites file), that never counted."""
    path = tmp_path / "sites.csv"
    path.write_text("id,name,kind,e,n\nP09,Chemin muet,loop,2541100,1151350\n")
    with scope(town), translation.override("fr"):
        data_import = services.import_create(municipality=town, kind="sites", source_name="s")
        assert services.import_run(data_import=data_import, path=path).status == "done"


@pytest.fixture
def town_with_a_silent_site(town_a, tmp_path):
    """The demo's eight Pully sites, and a ninth declared by the town that never counted."""
    write_data(town_a)
    declare_silent_site(town_a, tmp_path)
    return town_a


def quality(analyst, town, params) -> pd.DataFrame:
    response = analyst.get(url(town, "mobility:export-csv"), {**params, "indicator": "quality"})
    assert response.status_code == 200
    return pd.read_csv(io.BytesIO(response.content)).set_index("site_id")


def test_expected_hours_are_the_hours_of_the_chosen_period_for_every_site(
    analyst, town_with_a_silent_site
):
    # when: March, whose data ends on the 15th
    found = quality(analyst, town_with_a_silent_site, MARCH)
    page = analyst.get(url(town_with_a_silent_site), MARCH)
    # then: 743 hours expected of every site; the silent site misses them all
    assert sorted(found.index) == [f"P0{i}" for i in range(1, 10)]
    assert set(found.expected_hours) == {743}
    assert (found.missing_hours == found.expected_hours - found.observed_hours).all()
    assert found.loc["P09"].tolist() == ["Chemin muet", 0, 743, 743]  # named beside its id
    assert found.loc["P01", "observed_hours"] <= 15 * 24
    shown = {q["id"]: q for q in page.context["shown"]["quality"]}
    assert shown["P09"] == {
        "id": "P09",
        "name": "Chemin muet",
        "expected": 743,
        "observed": 0,
        "missing": 743,
    }


def test_a_clock_change_day_expects_its_23_or_25_hours(analyst, town_with_a_silent_site):
    # when: the spring switch day of 2026 (29 March) and an ordinary day
    switch = quality(analyst, town_with_a_silent_site, {"start": "2026-03-29", "end": "2026-03-29"})
    ordinary = quality(
        analyst, town_with_a_silent_site, {"start": "2026-01-20", "end": "2026-01-20"}
    )
    # then
    assert set(switch.expected_hours) == {23}
    assert set(ordinary.expected_hours) == {24}
    assert switch.loc["P01", "missing_hours"] == 23  # the data ends on 15 March


def test_quality_follows_the_chosen_sites_and_mode(analyst, town_with_a_silent_site):
    # when: two sites chosen, then the bicycles (P03 is the bicycle counter)
    chosen = quality(analyst, town_with_a_silent_site, {**MARCH, "site": ["P02", "P09"]})
    bicycles = quality(analyst, town_with_a_silent_site, {**MARCH, "mode": "bicycle"})
    # then
    assert sorted(chosen.index) == ["P02", "P09"]
    assert list(bicycles.index) == ["P03"]
    assert set(bicycles.expected_hours) == {743}


def test_the_open_data_quality_lists_every_site_of_the_town(town_a, tmp_path):
    # given: two weeks of the demo's sites, a ninth site that never counted, both weeks published
    write_data(town_a, days=14)
    declare_silent_site(town_a, tmp_path)
    publish_all(town_a)
    # when: a visitor downloads the quality of the second week
    response = Client().get(
        url(town_a, "mobility:export-open-csv"), {"period": "2026-01-12", "indicator": "quality"}
    )
    page = Client().get(url(town_a, "mobility:observatory-open"), {"period": "2026-01-12"})
    # then: 168 hours expected of every site; the silent one misses them all
    assert response.status_code == 200
    found = pd.read_csv(io.BytesIO(response.content)).set_index("site_id")
    assert sorted(found.index) == [f"P0{i}" for i in range(1, 10)]
    assert set(found.expected_hours) == {168}
    assert found.loc["P09", ["observed_hours", "missing_hours"]].tolist() == [0, 168]
    shown = {q["id"]: q for q in page.context["shown"]["quality"]}
    assert (shown["P09"]["name"], shown["P09"]["missing"]) == ("Chemin muet", 168)
