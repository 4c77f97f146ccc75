"""One town's store computed on an engine, to compare engines: the rollups written at import,
indicators read from them and from the raw counts, and an evaluation.

A host moving to Spark runs it on both engines over a copy of a town's store and compares
(docs/deploy.md, "Outgrowing one machine"); the suite does the same against a real Spark
standalone cluster (analytics/tests/test_spark_cluster.py)::

    python -m analytics.enginecheck --engine spark --root STORE --municipality 1 \\
        --treated P01 --control P03,P04 --intervention 2024-04-08 --out RESULTS

writes one Parquet file per result into RESULTS; ``compare`` says where two such folders
differ. With ``--engine spark`` the master is ``SPARK_MASTER_URL`` (analytics.engines).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pandas as pd

from analytics import indicators, rollups
from analytics.engines import Warehouse, backend, dataset_dir
from analytics.evaluation import evaluate


def results(
    w: Warehouse,
    municipality_id: int | str,
    *,
    treated: list[str],
    control: list[str],
    intervention: date,
    days: int = 28,
) -> dict[str, pd.DataFrame]:
    """Refresh the town's rollups on ``w``'s engine (they are written into its store), then
    read: the rollups themselves, daily volumes, the weekday x hour profile and the missing
    hours from the raw counts, the hourly volumes the evaluation reads, and the evaluation's
    figures (a one-row frame of its scalars, its per-site effects and its event study)."""
    rebuilt = rollups.refresh(w.root, municipality_id, warehouse=w)
    out: dict[str, pd.DataFrame] = {"rebuilt": pd.DataFrame([rebuilt])}
    for name in (r.name for r in rollups.ROLLUPS if r.source.startswith("counts")):
        folder = dataset_dir(w.root, municipality_id, name)
        out[f"rollup_{name}"] = pd.concat(
            [pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))],
            ignore_index=True,
        )
    counts = w.table(municipality_id, "counts")
    out["daily_volume"] = w.execute(indicators.daily_volume(counts))
    out["weekday_hour_profile"] = w.execute(indicators.weekday_hour_profile(counts))
    out["missing_hours"] = w.execute(indicators.missing_hours(counts))
    start, end = intervention - pd.Timedelta(days=days), intervention + pd.Timedelta(days=days)
    hourly = w.execute(
        rollups.hourly(w, municipality_id, start=start, end=end, sites=[*treated, *control])
    )
    out["hourly"] = hourly
    effect = evaluate(
        hourly,
        treated=treated,
        control=control,
        intervention=intervention,
        before_days=days,
        after_days=days,
    )
    out["evaluation"] = pd.DataFrame([_flat(effect)])
    for name in ("event_study", "placebos"):
        rows = effect.get(name) or []
        if rows and all(isinstance(row, dict) for row in rows):
            out[f"evaluation_{name}"] = pd.DataFrame([_flat(row) for row in rows])
    out["evaluation_json"] = pd.DataFrame(
        [{"json": json.dumps(effect, sort_keys=True, default=str)}]
    )
    return out


def _flat(found: dict, prefix: str = "") -> dict:
    """The scalars of a nested dict, keys joined by dots (lists are left out)."""
    flat: dict = {}
    for key, value in found.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, str | int | float | bool) or value is None:
            flat[f"{prefix}{key}"] = value
    return flat


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral form: UTC-naive microsecond timestamps, dates as timestamps, int64,
    rows sorted by their non-float columns."""
    frame = frame.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            frame[col] = frame[col].dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype("datetime64[us]")
        elif pd.api.types.is_integer_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = frame[col].astype("int64")
        elif frame[col].dtype == object and len(frame) and isinstance(frame[col].iloc[0], date):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    return frame.sort_values(keys or list(frame.columns)).reset_index(drop=True)


def save(found: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in found.items():
        normalised(frame).to_parquet(folder / f"{name}.parquet", index=False)


def compare(a: Path, b: Path, *, rtol: float = 1e-9) -> list[str]:
    """The results that differ between two saved folders (empty: identical; floats to rtol)."""
    names_a = {p.stem for p in a.glob("*.parquet")}
    names_b = {p.stem for p in b.glob("*.parquet")}
    differ = [f"{name}: missing on one side" for name in sorted(names_a ^ names_b)]
    for name in sorted(names_a & names_b):
        left, right = pd.read_parquet(a / f"{name}.parquet"), pd.read_parquet(b / f"{name}.parquet")
        try:
            pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=rtol)
        except AssertionError as exc:
            differ.append(f"{name}: {str(exc).splitlines()[0]}")
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["duckdb", "spark"], required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--municipality", required=True)
    parser.add_argument("--treated", required=True, help="site ids, comma-separated")
    parser.add_argument("--control", required=True, help="site ids, comma-separated")
    parser.add_argument("--intervention", type=date.fromisoformat, required=True)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    found = results(
        backend(args.engine, args.root),
        args.municipality,
        treated=args.treated.split(","),
        control=args.control.split(","),
        intervention=args.intervention,
        days=args.days,
    )
    save(found, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
