"""Spark as a real engine (issue 9, "Past one machine"): a Spark standalone cluster (a master
and a worker, separate JVMs, analytics/tests/spark_cluster.py) runs one town's import →
rollups → indicators → evaluation, and every result is identical to DuckDB's on the same
import. The Spark side runs in its own process, as a host's would (`python -m
analytics.enginecheck --engine spark`, the master from SPARK_MASTER_URL): a process has one
SparkSession, and the suite's other Spark tests hold a local one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics import enginecheck, synthetic
from analytics.engines import duckdb_backend
from analytics.ingest.counts import import_counts

from .spark_cluster import StandaloneCluster

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
SITES = ["S00000", "S00001", "S00002", "S00003"]
INTERVENTION = date(2024, 4, 15)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = StandaloneCluster(tmp_path_factory.mktemp("spark-cluster")).start()
    try:
        yield started
    finally:
        started.stop()


def counts_csv(path: Path) -> Path:
    """Eight weeks of hourly car counts at four sites, as a town's long CSV (UTC offsets)."""
    spec = synthetic.CountsSpec(
        n_sites=4, start=date(2024, 3, 18), days=56, modes=False, gap_rate=0.0
    )
    frame = synthetic.counts_frame(spec)
    out = pd.DataFrame(
        {
            "site_id": frame.site_id,
            "timestamp": frame.ts_utc.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "count": frame["count"],
            "mode": frame["mode"],
        }
    )
    out.to_csv(path, index=False)
    return path


def test_a_spark_cluster_computes_what_duckdb_computes(cluster, tmp_path):
    # given one import of a town's counts, copied for each engine
    duck_root, spark_root = tmp_path / "duck", tmp_path / "spark"
    report = import_counts(counts_csv(tmp_path / "counts.csv"), root=duck_root, municipality_id=1)
    assert report.rows_imported == 4 * 56 * 24 - 4  # the spring switch day has 23 hours
    shutil.copytree(duck_root, spark_root)
    args = {
        "treated": ["S00000"],
        "control": ["S00001", "S00002", "S00003"],
        "intervention": INTERVENTION,
    }
    # when DuckDB computes here, and the cluster in a process of its own
    enginecheck.save(
        enginecheck.results(duckdb_backend(duck_root), 1, **args), tmp_path / "on-duckdb"
    )
    done = subprocess.run(
        [
            sys.executable, "-m", "analytics.enginecheck",
            "--engine", "spark", "--root", str(spark_root), "--municipality", "1",
            "--treated", "S00000", "--control", "S00001,S00002,S00003",
            "--intervention", INTERVENTION.isoformat(), "--out", str(tmp_path / "on-spark"),
        ],
        env={
            **os.environ,
            "SPARK_MASTER_URL": cluster.url,
            "SPARK_LOCAL_IP": "127.0.0.1",
            "PYSPARK_PYTHON": sys.executable,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # then the work ran on the cluster (an application came and went)...
    apps = cluster.status()["completedapps"]
    assert [app["name"] for app in apps] == ["commune-analytics"]
    # ...each engine wrote its own rollups, and every result is the same
    on_duck, on_spark = tmp_path / "on-duckdb", tmp_path / "on-spark"
    assert pd.read_parquet(on_spark / "rebuilt.parquet").to_dict("records") == [
        {name: 3 for name in ("counts_hourly", "counts_profile", "counts_daily")}
        | {name: 3 for name in ("counts_mode_hourly", "counts_mode_daily", "counts_sites")}
        | {"counts_town_hourly": 3}
    ]
    assert len(pd.read_parquet(on_spark / "rollup_counts_hourly.parquet")) > 0
    assert pd.read_parquet(on_spark / "evaluation.parquet").shape[0] == 1
    assert enginecheck.compare(on_duck, on_spark) == []
    # and a difference would be seen
    evaluation = pd.read_parquet(on_spark / "evaluation.parquet")
    number = next(c for c in evaluation.columns if pd.api.types.is_float_dtype(evaluation[c]))
    evaluation[number] += 1e-6 * (abs(evaluation[number]) + 1)
    evaluation.to_parquet(on_spark / "evaluation.parquet", index=False)
    assert [d.split(":")[0] for d in enginecheck.compare(on_duck, on_spark)] == ["evaluation"]
