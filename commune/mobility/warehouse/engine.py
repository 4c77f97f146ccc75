"""The engine the observatory's queries run on (settings.ANALYTICS_ENGINE): DuckDB in the
process by default, Apache Spark when a host has outgrown one machine (analytics.engines; the
cluster from SPARK_MASTER_URL). Every read of the warehouse, the rollups refreshed after an
import (by the worker, not in an import's memory-capped child: a JVM does not start under its
cap) and the evaluations go through `warehouse_store`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from analytics import rollups
from analytics.engines import Warehouse, backend, duckdb_backend
from commune.tenants.models import Municipality

from .ingest import warehouse_root

ENGINES = ("duckdb", "spark")


def warehouse_store(*, threads: int | None = None) -> Warehouse:
    """The town warehouse on the configured engine (`threads` bounds DuckDB only)."""
    engine = settings.ANALYTICS_ENGINE
    if engine not in ENGINES:
        raise ImproperlyConfigured(
            f"ANALYTICS_ENGINE is {engine!r}; it must be one of {', '.join(ENGINES)}"
        )
    if engine == "duckdb":
        return duckdb_backend(warehouse_root(), threads=threads)
    return backend(engine, warehouse_root())


def rollups_refresh(*, municipality: Municipality) -> dict[str, int]:
    """Recompute the town's rollups (analytics.rollups) whose raw partition changed, on the
    configured engine; returns the partitions rebuilt per rollup. Cheap when nothing changed."""
    return rollups.refresh(warehouse_root(), municipality.pk, warehouse=warehouse_store())
