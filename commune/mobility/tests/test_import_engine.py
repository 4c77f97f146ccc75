"""After an import the town's rollups are refreshed on the configured engine (issue 9, "Spark is
a real engine"): on DuckDB inside the import's memory-capped child; on Spark by the worker once
the child is done — a JVM does not start under the child's cap, and the cluster does the work."""

from __future__ import annotations

import pytest
from django.core.files.base import File

from analytics import rollups
from commune.mobility.services import import_create
from commune.mobility.services.imports import import_run_isolated
from commune.mobility.warehouse import engine
from commune.tenants.scoping import scope

COUNTS_ROLLUPS = [r.name for r in rollups.ROLLUPS if r.name.startswith("counts_")]


def counts_csv(path):
    """Two sites, two days of hourly counts across a month's end (two partitions)."""
    lines = ["site_id,timestamp,count"]
    for site in ("A", "B"):
        for day in ("2026-03-31", "2026-04-01"):
            lines += [f"{site},{day} {hour:02d}:00,{10 + hour}" for hour in range(24)]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_import(town, tmp_path):
    path = counts_csv(tmp_path / "comptages.csv")
    with scope(town):
        queued = import_create(
            municipality=town,
            kind="counts",
            source_name="comptages.csv",
            options={},
            file=File(path.open("rb"), name="comptages.csv"),
        )
        return import_run_isolated(data_import=queued)


def fresh(settings, town) -> dict[str, bool]:
    return {
        name: rollups.is_fresh(settings.WAREHOUSE_DIR, town.pk, name) for name in COUNTS_ROLLUPS
    }


def test_on_duckdb_the_import_child_refreshes_the_rollups(
    transactional_db, town_a, tmp_path, settings
):
    done = run_import(town_a, tmp_path)
    assert (done.status, done.rows_imported) == ("done", 96), done.error_message
    assert fresh(settings, town_a) == dict.fromkeys(COUNTS_ROLLUPS, True)


@pytest.mark.spark
def test_on_spark_the_worker_refreshes_the_rollups_on_spark(
    transactional_db, town_a, tmp_path, settings, monkeypatch
):
    monkeypatch.setenv("ANALYTICS_ENGINE", "spark")  # the import's child reads it too
    settings.ANALYTICS_ENGINE = "spark"
    refreshed = []
    real_refresh = rollups.refresh

    def recorded(root, municipality_id, *, warehouse=None):
        rebuilt = real_refresh(root, municipality_id, warehouse=warehouse)
        refreshed.append((warehouse.engine, rebuilt))
        return rebuilt

    monkeypatch.setattr(engine.rollups, "refresh", recorded)
    done = run_import(town_a, tmp_path)
    assert (done.status, done.rows_imported) == ("done", 96), done.error_message
    # once, in this process (the worker), on Spark, and it found every partition to build:
    # the child built none on DuckDB
    [(name, rebuilt)] = refreshed
    assert name == "pyspark"
    assert {rollup: rebuilt[rollup] for rollup in COUNTS_ROLLUPS} == dict.fromkeys(
        COUNTS_ROLLUPS, 2
    )
    assert fresh(settings, town_a) == dict.fromkeys(COUNTS_ROLLUPS, True)
