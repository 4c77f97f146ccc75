"""The analysts' exports read the days of the sites only when they write them (indicator
"daily"; a canton's year is 4 M days), and every export is the same as when every day was read.
The public page writes "—" for a day hidden by suppression."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.test import Client

from commune.accounts.models import Role
from commune.mobility import exports, selectors, warehouse
from commune.mobility.models import MobilitySettings
from commune.mobility.tests.test_dwell_page import PRESENCE
from commune.mobility.tests.test_observatory import (
    _csv,
    member,
    publish_all,
    url,
    write_data,
)
from commune.mobility.tests.test_observatory_exports_sections import _car_park_half_full_at_8
from commune.mobility.views.observatory import send
from commune.tenants.scoping import scope

START, END = dt.date(2026, 1, 5), dt.date(2026, 1, 18)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
FORMATS = ("csv", "parquet")
ROUTES = {fmt: f"mobility:export-{fmt}" for fmt in (*FORMATS, "geojson")}


@pytest.fixture
def town(town_a, tmp_path):
    """Two weeks of counts, zones and trips, a car park's readings and dwell classes: every
    indicator has rows."""
    write_data(town_a, days=14)
    _car_park_half_full_at_8(town_a)
    presence = tmp_path / "presence.csv"
    presence.write_text(PRESENCE)
    warehouse.import_file(municipality=town_a, kind="network_presence", path=presence)
    return town_a


@pytest.fixture
def analyst(staff_client, town):
    return staff_client(member(town, Role.MOBILITY_ANALYST))


@pytest.fixture
def days_read(monkeypatch) -> list:
    """The `sites` of each read of the sites' days (the real read runs)."""
    calls = []
    real = warehouse.daily_volumes

    def counting(**kwargs):
        calls.append(kwargs["sites"])
        return real(**kwargs)

    monkeypatch.setattr(warehouse, "daily_volumes", counting)
    return calls


def every_day_read(town, fmt: str, indicator: str, modes: list[str] | None) -> bytes:
    """The export's body computed from figures with every site's days read."""
    with scope(town):
        data = selectors.observatory_data(
            municipality=town, start=START, end=END, modes=modes, daily_sites=None
        )
        return send(fmt, town, data, indicator, (START, END)).content


@pytest.mark.parametrize("modes", [None, ["bicycle"]])
def test_every_export_is_the_same_as_with_every_day_read(analyst, town, modes):
    query = {**PERIOD, **({"mode": modes[0]} if modes else {})}
    for fmt in FORMATS:
        for indicator in exports.INDICATORS:
            # when
            response = analyst.get(url(town, ROUTES[fmt]), {**query, "indicator": indicator})
            expected = every_day_read(town, fmt, indicator, modes)
            # then: the same bytes, and the same table read back
            assert response.status_code == 200, (fmt, indicator)
            assert response.content == expected, (fmt, indicator)
            if fmt == "csv":
                got = _csv(response)
                pd.testing.assert_frame_equal(got, pd.read_csv(io.BytesIO(expected)))
            else:
                got = pq.read_table(io.BytesIO(response.content)).to_pandas()
                pd.testing.assert_frame_equal(got, pq.read_table(io.BytesIO(expected)).to_pandas())
            assert len(got), (fmt, indicator)  # the comparison is of rows, not of two headers
    geojson = analyst.get(url(town, ROUTES["geojson"]), query)
    assert geojson.status_code == 200
    assert geojson.content == every_day_read(town, "geojson", "daily", modes)
    assert {f["properties"]["layer"] for f in geojson.json()["features"]} == {
        "site",
        "zone",
        "flow",
    }


def test_an_export_without_days_reads_none_and_the_daily_export_reads_every_site(
    analyst, town, days_read
):
    # when: every export but the daily volumes (and the map, whose indicator defaults to daily)
    answers = [
        analyst.get(url(town, ROUTES[fmt]), {**PERIOD, "indicator": indicator})
        for fmt in FORMATS
        for indicator in exports.INDICATORS
        if indicator != "daily"
    ]
    answers.append(analyst.get(url(town, ROUTES["geojson"]), PERIOD))
    answers.append(analyst.get(url(town, ROUTES["geojson"]), {**PERIOD, "indicator": "daily"}))
    assert [a.status_code for a in answers] == [200] * 18
    # then: no site's days were read (the warehouse not even asked for none: no query, and no
    # entry of nothing taking a place in the cache)
    assert days_read == []
    # when: the daily volumes
    days_read.clear()
    daily = {
        fmt: analyst.get(url(town, ROUTES[fmt]), {**PERIOD, "indicator": "daily"})
        for fmt in FORMATS
    }
    # then: each read every site's days (no site filter), and wrote them
    assert days_read == [None, None]
    counted = sorted(set(_csv(daily["csv"]).site_id))
    assert len(counted) == 8
    table = pq.read_table(io.BytesIO(daily["parquet"].content)).to_pandas()
    assert sorted(set(table.site_id)) == counted


def _day_cells(html: str, site_id: str) -> dict[str, str]:
    """The public page's table of one site's days: date text -> volume text."""
    figure = html.split(f"({site_id})</figcaption>", 1)[1]
    body = figure.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return dict(re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", body))


def test_the_public_page_writes_a_dash_for_a_day_hidden_by_suppression(analyst, town):
    # given: k above the smallest daily volume of a site in the published week of 12 January
    week = {"start": "2026-01-12", "end": "2026-01-18", "indicator": "daily"}
    internal = _csv(analyst.get(url(town, ROUTES["csv"]), week))
    smallest = internal.loc[internal.volume.idxmin()]
    with scope(town):
        MobilitySettings.objects.filter(municipality=town).update(
            k_anonymity=int(smallest.volume) + 1
        )
    publish_all(town)
    # when
    page = Client(HTTP_ACCEPT_LANGUAGE="fr").get(
        url(town, "mobility:observatory-open"), {"period": "2026-01-12"}
    )
    # then: that day is hidden in the published figures, and its cell reads "—", not its volume
    assert page.status_code == 200
    shown = {s["id"]: dict(s["days"]) for s in page.context["shown"]["sites"]}
    day = dt.date.fromisoformat(smallest.local_date)
    assert shown[smallest.site_id][day] is None
    cells = _day_cells(page.content.decode(), smallest.site_id)
    assert cells[f"{day:%d.%m.%Y}"] == "—"
    assert str(int(smallest.volume)) not in cells[f"{day:%d.%m.%Y}"]
    # and: a day shown reads its volume (the table is the one looked for)
    assert len(cells) == 7
    assert any(text != "—" and text.replace("\u202f", "").isdigit() for text in cells.values())


def test_the_days_of_a_town_without_counts_have_the_columns_of_a_town_with_counts(town, town_b):
    # when
    counted = warehouse.daily_volumes(municipality=town, start=START, end=END)
    uncounted = warehouse.daily_volumes(municipality=town_b, start=START, end=END)
    # then
    assert len(counted) and uncounted.empty
    assert list(uncounted.columns) == list(counted.columns)
    assert "hours_observed" in uncounted.columns
