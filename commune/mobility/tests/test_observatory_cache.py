"""The observatory's figures are kept per filter until the town's data changes (warehouse/
cache.py): the same page again is read, not computed; new data is never hidden by old figures;
a town never sees another's."""

from __future__ import annotations

import datetime as dt
import os
import time

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.conf import settings

from analytics.engines import dataset_dir
from analytics.ingest.counts import KEY, SCHEMA
from analytics.store import merge_into
from commune.mobility import selectors, warehouse
from commune.mobility.warehouse import cache, read
from commune.tenants.scoping import scope

from .test_observatory import PERIOD, analyst, url, write_data  # noqa: F401 - fixtures

START, END = dt.date(2026, 1, 5), dt.date(2026, 2, 16)


def counted(monkeypatch, name: str) -> list:
    """The towns for which `read.<name>` computed, in order (the real one runs)."""
    calls = []
    real = getattr(read, name)

    def counting(*args):
        calls.append(args[0].pk)
        return real(*args)

    monkeypatch.setattr(read, name, counting)
    return calls


@pytest.fixture
def days_read(monkeypatch):
    """Each computation of a page's days."""
    return counted(monkeypatch, "_daily_volumes")


@pytest.fixture
def computed(monkeypatch):
    """Each computation of the indicators."""
    return counted(monkeypatch, "_indicators")


def indicators(town, **kw):
    kw = {"start": START, "end": END, "modes": None, "sites": None, "perimeter": [], **kw}
    return warehouse.observatory_indicators(municipality=town, **kw)


def test_the_same_filter_again_is_read_not_computed_and_is_the_same(town_a, computed):
    write_data(town_a)
    first = indicators(town_a)
    again = indicators(town_a)
    assert computed == [town_a.pk]
    for name, frame in first.items():
        if frame is None:
            assert again[name] is None
        else:
            pd.testing.assert_frame_equal(
                frame.reset_index(drop=True), again[name], check_dtype=False
            )
    # another filter is computed
    indicators(town_a, modes=["bicycle"])
    assert computed == [town_a.pk, town_a.pk]


def test_new_data_is_computed_again(town_a, computed):
    write_data(town_a, days=40)
    period = {"end": START + dt.timedelta(days=60)}
    before = indicators(town_a, **period)["site_totals"].set_index("site_id").volume
    # when: an import stores a later week of one site (new files swapped in)
    folder = dataset_dir(settings.WAREHOUSE_DIR, town_a.pk, "counts")
    rows = pq.read_table(sorted(folder.glob("*.parquet"))[-1]).to_pandas()
    site = rows.site_id.iloc[0]
    later = rows[rows.site_id == site].copy()
    later["ts_utc"] += pd.Timedelta(days=14)
    later["local_date"] = (pd.to_datetime(later.local_date) + pd.Timedelta(days=14)).dt.date
    merge_into(folder, later, key=KEY, partition=later.ts_utc.dt.strftime("%Y-%m"), schema=SCHEMA)
    warehouse.rollups_refresh(municipality=town_a)
    # then: the same filter is computed again and shows the new days
    after = indicators(town_a, **period)["site_totals"].set_index("site_id").volume
    assert len(computed) == 2
    assert after[site] > before[site]
    assert after.drop(site).equals(before.drop(site))


def test_a_town_never_reads_another_towns_figures(town_a, town_b, computed):
    write_data(town_a)
    indicators(town_a)
    # town B has no data: the same filter gives it nothing, computed for it
    assert indicators(town_b)["site_totals"] is None
    assert computed == [town_a.pk, town_b.pk]


def test_at_most_keep_filters_per_town_are_kept(town_a, monkeypatch):
    write_data(town_a, days=14)
    monkeypatch.setattr(cache, "KEEP", 3)
    for days in range(5):
        indicators(town_a, end=START + dt.timedelta(days=days + 1))
    folder = settings.OBSERVATORY_CACHE_DIR / str(town_a.pk)
    assert len([p for p in folder.iterdir() if not p.name.startswith(".")]) == 3
    # and: an entry a dead process left half-written goes once it is an hour old
    left = folder / ".writing-dead"
    left.mkdir()
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    indicators(town_a, end=START + dt.timedelta(days=9))
    assert not left.exists()


def test_after_an_import_the_default_page_is_read_from_the_cache(  # noqa: F811
    analyst,  # noqa: F811
    town_a,
    computed,
    days_read,
):
    # given: the data, then the warm-up an import does
    write_data(town_a)
    with scope(town_a):
        selectors.observatory_warm(municipality=town_a)
    assert computed == days_read == [town_a.pk]
    # when: the analyst opens the page without a filter
    response = analyst.get(url(town_a))
    # then: the figures were not computed again
    assert response.status_code == 200
    assert response.context["shown"]["sites"]
    assert computed == days_read == [town_a.pk]
