"""settings.ANALYTICS_ENGINE chooses the engine of every warehouse read (issue 9): the
analyst's observatory figures are the same on Spark as on DuckDB, and a wrong name is a clear
configuration error, not a silent fallback."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.core.exceptions import ImproperlyConfigured

from commune.mobility import selectors
from commune.mobility.warehouse.engine import warehouse_store
from commune.tenants.scoping import scope

from .test_observatory import write_data


def figures(town) -> dict:
    with scope(town):
        data = selectors.observatory_data(
            municipality=town, start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 18)
        )
    return {
        "daily": data["daily"].sort_values(["site_id", "local_date"]).reset_index(drop=True),
        "catalogue": data["catalogue"]["sites"].sort_values("site_id").reset_index(drop=True),
    }


@pytest.mark.spark
def test_the_observatory_reads_the_same_figures_on_spark(town_a, settings):
    write_data(town_a, days=21)
    on_duckdb = figures(town_a)
    settings.ANALYTICS_ENGINE = "spark"
    assert warehouse_store().engine == "pyspark"
    on_spark = figures(town_a)
    assert len(on_duckdb["daily"]) > 0
    for name in on_duckdb:
        pd.testing.assert_frame_equal(on_duckdb[name], on_spark[name], check_dtype=False, rtol=1e-9)


def test_an_unknown_engine_is_a_configuration_error(settings):
    settings.ANALYTICS_ENGINE = "postgres"
    with pytest.raises(ImproperlyConfigured, match="duckdb, spark"):
        warehouse_store()
