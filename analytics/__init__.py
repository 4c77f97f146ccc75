"""The mobility observatory's data pipeline: ingest -> staging -> indicators.

Plain Python over Parquet, Ibis, DuckDB and (optionally) PySpark. Nothing here imports Django
or ``commune``: the web side calls this package through ``commune/mobility/warehouse/``.
"""
