"""Engines: one Ibis backend over the Parquet store, DuckDB by default, PySpark when asked.

The store is a folder per municipality: ``<root>/<municipality_id>/<dataset>/*.parquet`` with
datasets ``counts``, ``presence``, ``od`` and ``departures`` (see ``analytics/README.md``).
Indicators are Ibis expressions; :class:`Warehouse` hands them the right tables on either engine.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis

DATASETS = (
    "counts",
    "presence",
    "od",
    "departures",
    "stops",
    "sites",
    "zones",
    "readings",
    "dwell",
)
# Computed from the datasets above at import (analytics/rollups.py), never imported.
ROLLUP_DATASETS = (
    "counts_hourly",
    "counts_profile",
    "counts_daily",
    "counts_mode_hourly",
    "counts_mode_daily",
    "counts_sites",
    "counts_town_hourly",
    "od_daily",
)

_spark_lock = threading.Lock()
_spark_session: Any = None


def dataset_dir(root: str | Path, municipality_id: int | str, dataset: str) -> Path:
    """The folder holding one municipality's dataset (tables always carry the town's id)."""
    if dataset not in DATASETS + ROLLUP_DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")
    return Path(root) / str(municipality_id) / dataset


@dataclass
class Warehouse:
    """An Ibis backend plus readers for one store root; ``table()`` is scoped to a municipality."""

    backend: Any
    root: Path

    @property
    def engine(self) -> str:
        return self.backend.name

    def table(self, municipality_id: int | str, dataset: str) -> ibis.Table:
        folder = dataset_dir(self.root, municipality_id, dataset)
        if not folder.is_dir() or not any(folder.glob("*.parquet")):
            raise FileNotFoundError(f"no {dataset} data for municipality {municipality_id}")
        return self.read(folder)

    def read(self, folder: str | Path) -> ibis.Table:
        """Read every Parquet file of a folder (non-recursive) as one table."""
        folder = Path(folder)
        if self.engine == "duckdb":
            return self.backend.read_parquet(str(folder / "*.parquet"))
        return self.backend.read_parquet(str(folder))

    def read_file(self, path: str | Path) -> ibis.Table:
        """Read one Parquet file (one partition) as a table."""
        return self.backend.read_parquet(str(path))

    def execute(self, expr: ibis.Expr):
        """Run an expression and return a pandas object (DataFrame, Series or scalar)."""
        return self.backend.execute(expr)

    def to_pyarrow(self, expr: ibis.Table):
        return self.backend.to_pyarrow(expr)


def duckdb_backend(
    root: str | Path,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    spill_dir: str | Path | None = None,
) -> Warehouse:
    """An in-process DuckDB (the default engine: embedded, no server).

    ``memory_limit`` (e.g. "3GB") caps DuckDB's memory; past it, it spills to disk, into
    ``spill_dir`` (default: a ``duckdb-spill`` folder in the system's temporary directory; never
    inside the warehouse, which backups copy). Without it DuckDB may use up to 80 % of the
    machine's RAM on large group-bys.
    """
    con = ibis.duckdb.connect()
    spill = Path(spill_dir) if spill_dir else Path(tempfile.gettempdir()) / "duckdb-spill"
    con.raw_sql(f"SET temp_directory = '{spill.as_posix()}'")
    if threads:
        con.raw_sql(f"SET threads = {int(threads)}")
    if memory_limit:
        if not re.fullmatch(r"\d+(\.\d+)?\s*[MG]B", memory_limit):
            raise ValueError(f"memory_limit must look like '3GB' or '512MB', not {memory_limit!r}")
        con.raw_sql(f"SET memory_limit = '{memory_limit}'")
    return Warehouse(backend=con, root=Path(root))


def spark_session(master: str | None = None):
    """The process-wide SparkSession, started on first use (about 5-15 s).

    Its master is ``master``, else ``SPARK_MASTER_URL`` from the environment (a standalone
    cluster: ``spark://host:7077``), else ``local[2]`` (Spark inside this process). A process
    has one session: the first call decides. On a cluster the driver (this process) is reached
    by the executors at ``SPARK_LOCAL_IP`` when set; they read the store's Parquet files by the
    same path, so the store must be on a disk every worker sees (the same machine, or a shared
    mount)."""
    global _spark_session
    with _spark_lock:
        if _spark_session is None:
            # Only here: PySpark is the optional engine (requirements-spark.in), not installed
            # where DuckDB alone is used, and it takes seconds to load.
            from pyspark.sql import SparkSession  # noqa: PLC0415

            master = master or os.environ.get("SPARK_MASTER_URL") or "local[2]"
            builder = (
                SparkSession.builder.master(master)
                .appName("commune-analytics")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.driver.memory", "2g")
            )
            if master.startswith("spark://"):
                builder = builder.config(
                    "spark.executor.memory", os.environ.get("SPARK_EXECUTOR_MEMORY", "1g")
                )
                if os.environ.get("SPARK_LOCAL_IP"):
                    builder = builder.config("spark.driver.host", os.environ["SPARK_LOCAL_IP"])
                    builder = builder.config(
                        "spark.driver.bindAddress", os.environ["SPARK_LOCAL_IP"]
                    )
            _spark_session = builder.getOrCreate()
            _spark_session.sparkContext.setLogLevel("ERROR")
        return _spark_session


def spark_backend(root: str | Path, *, master: str | None = None) -> Warehouse:
    """The same indicators on Apache Spark (spark_session: local, or a standalone cluster)."""
    return Warehouse(backend=ibis.pyspark.connect(spark_session(master)), root=Path(root))


def backend(engine: str, root: str | Path, **options) -> Warehouse:
    """The store on ``engine`` ("duckdb" or "spark"); ``options`` go to duckdb_backend."""
    if engine == "spark":
        return spark_backend(root)
    if engine == "duckdb":
        return duckdb_backend(root, **options)
    raise ValueError(f"unknown analytics engine {engine!r}; expected duckdb or spark")
