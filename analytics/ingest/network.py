"""Mobile-network aggregates as an operator delivers them -> ``presence``, ``od`` and ``zones``.

* Zones: a GeoJSON FeatureCollection (RFC 7946, WGS84) of Polygon/MultiPolygon features with an
  id (``id`` or ``properties.zone_id``). Every ring is checked (closed, >= 4 positions, no
  self-intersection, non-zero area, holes inside); one broken polygon refuses the whole file
  with the zone and the reason, so no half set of zones is stored.
* Presence CSV: ``zone_id,timestamp,count`` with optional ``origin_zone`` (home zone) or
  ``origin_class``; the home distance (km, centroid to centroid in LV95) is added from the zones.
* OD CSV: ``origin,destination,timestamp,trips`` with optional ``via`` (a zone crossed without
  stopping, used for through traffic).
Timestamps follow analytics.timeparse (ISO with offset or local time in ``tz``); bad rows are
quarantined; re-importing replaces the same keys (idempotent).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.engines import dataset_dir
from analytics.geo import (
    distance_m,
    polygon_centroid,
    polygon_problem,
    ring_area,
    wgs84_to_lv95,
)
from analytics.ingest.chunks import Progress, Stages, header_line, read_csv, sniff_encoding
from analytics.ingest.classes import dwell_minutes, origin_class_km
from analytics.ingest.numbers import reason_params, whole_counts
from analytics.ingest.report import ImportFormatError, ImportReport
from analytics.store import locked, merge_by_month, write_atomic
from analytics.timeparse import local_columns, parse_timestamps, timestamp_problem
from untrusted.delimiters import guess_delimiter

ZONES_SCHEMA = pa.schema(
    [
        ("zone_id", pa.string()),
        ("name", pa.string()),
        ("e", pa.float64()),
        ("n", pa.float64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("geometry", pa.string()),
    ]
)
PRESENCE_KEY = ["zone_id", "ts_utc", "origin_zone"]
PRESENCE_SCHEMA = pa.schema(
    [
        ("zone_id", pa.string()),
        ("ts_utc", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("origin_zone", pa.string()),
        ("origin_distance_km", pa.float64()),
        ("count", pa.int64()),
    ]
)
DWELL_SCHEMA = pa.schema(
    [
        ("zone_id", pa.string()),
        ("ts_utc", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("dwell_min", pa.float64()),
        ("count", pa.int64()),
    ]
)
OD_KEY = ["origin", "destination", "via", "ts_utc"]
OD_SCHEMA = pa.schema(
    [
        ("origin", pa.string()),
        ("destination", pa.string()),
        ("via", pa.string()),
        ("ts_utc", pa.timestamp("us", tz="UTC")),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("trips", pa.int64()),
    ]
)


def parse_zones(path: str | Path) -> pd.DataFrame:
    """Validate a zones GeoJSON; raise ImportFormatError naming the first broken zone."""
    path = Path(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFormatError("not_geojson", file=path.name, detail=exc) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFormatError("zones_not_collection", file=path.name)
    rows = []
    for k, feature in enumerate(data.get("features") or [], start=1):
        props = feature.get("properties") or {}
        zid = str(feature.get("id") or props.get("zone_id") or "")
        geom = feature.get("geometry") or {}
        where = {"file": path.name, "zone": zid or f"#{k}"}
        if not zid:
            raise ImportFormatError("zone_without_id", file=path.name, feature=k)
        if geom.get("type") == "Polygon":
            polygons = [geom.get("coordinates")]
        elif geom.get("type") == "MultiPolygon":
            polygons = geom.get("coordinates")
        else:
            raise ImportFormatError("zone_not_polygon", **where, found=geom.get("type"))
        try:
            for polygon in polygons:
                problem = polygon_problem(polygon)
                if problem:
                    code, figures = problem
                    raise ImportFormatError("zone_invalid", **where, problem=code, **figures)
            lv95 = [[[wgs84_to_lv95(p[1], p[0]) for p in r] for r in poly] for poly in polygons]
        except (TypeError, IndexError, ValueError) as exc:
            if isinstance(exc, ImportFormatError):
                raise
            raise ImportFormatError("zone_malformed", **where) from exc
        biggest = max(lv95, key=lambda poly: abs(ring_area(poly[0])))
        e, n = polygon_centroid(biggest)
        lon, lat = polygon_centroid(polygons[0])
        rows.append(
            {
                "zone_id": zid,
                "name": str(props.get("name", zid)),
                "e": e,
                "n": n,
                "lat": lat,
                "lon": lon,
                "geometry": json.dumps(geom),
            }
        )
    if not rows:
        raise ImportFormatError("zones_empty", file=path.name)
    return pd.DataFrame(rows)


def import_zones(path, *, root, municipality_id) -> ImportReport:
    zones = parse_zones(path)
    folder = dataset_dir(root, municipality_id, "zones")
    with locked(folder):
        write_atomic(
            pa.Table.from_pandas(zones, schema=ZONES_SCHEMA, preserve_index=False),
            folder / "zones.parquet",
        )
    return ImportReport(file=Path(path).name, rows_read=len(zones), rows_imported=len(zones))


def stored_zones(root, municipality_id) -> pd.DataFrame | None:
    path = dataset_dir(root, municipality_id, "zones") / "zones.parquet"
    return pq.read_table(path).to_pandas() if path.exists() else None


def _csv(path: Path, required: list[str], expected: str, on_fraction=None) -> pd.DataFrame:
    encoding = sniff_encoding(path, expected=expected)
    sep = guess_delimiter(header_line(path, encoding))
    frame = read_csv(path, sep=sep, encoding=encoding, on_fraction=on_fraction)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ImportFormatError(
            "csv_columns", file=path.name, missing=", ".join(missing), expected=",".join(required)
        )
    return frame


def _common(frame, *, value, zones_cols, known, tz, report):
    number, bad = whole_counts(frame[value])
    column = pd.Series(value, index=frame.index, dtype="object")  # the column a code is about
    if known is not None:
        for col in zones_cols:
            unknown = bad.isna() & ~frame[col].isin(known) & (frame[col] != "")
            bad[unknown], column[unknown] = "unknown_zone", col
    key = frame[zones_cols].agg("\x1f".join, axis=1)
    ts, why = parse_timestamps(frame["timestamp"], tz, key)
    bad[bad.isna() & why.notna()] = why[bad.isna() & why.notna()]
    for index, code in bad[bad.notna()].items():
        row, col = frame.loc[index], column[index]
        if code == "unknown_zone":
            params = {"column": col, "zone": row[col]}
        elif code.startswith("value_"):
            params = reason_params(code, col)
        else:
            params = timestamp_problem(code, row["timestamp"], tz)
        report.reject(row["_line"], code, **params)
    good = frame[bad.isna()].copy()
    good["ts_utc"] = ts[bad.isna()]
    good[value] = number[bad.isna()]
    good["local_date"], good["local_hour"] = local_columns(good["ts_utc"], tz)
    return good


def _store(good, *, key, schema, root, municipality_id, dataset, report, stages):
    dup = good.duplicated(key, keep="last")
    for line in good._line[dup]:
        report.reject(line, "duplicate")
    good = good[~dup]
    if len(good):
        folder = dataset_dir(root, municipality_id, dataset)
        merged = merge_by_month(folder, good, key=key, schema=schema, on_fraction=stages.store)
        report.rows_imported, report.rows_replaced = merged.inserted, merged.replaced
        report.rows_unchanged = merged.unchanged
    report.quarantine.sort(key=lambda q: q.line)
    stages.store(1.0)
    return report


def _store_dwell(good, dwell, *, root, municipality_id, report) -> pd.DataFrame:
    """Store the dwell breakdown in ``dwell``; return presence summed over the dwell classes."""
    good = good.assign(dwell_min=dwell)
    dup = good.duplicated([*PRESENCE_KEY, "dwell_min"], keep="last")
    for line in good._line[dup]:
        report.reject(line, "duplicate")
    good = good[~dup]
    keys = ["zone_id", "ts_utc", "local_date", "local_hour"]
    with_dwell = good[good.dwell_min.notna()]
    if len(with_dwell):
        per_class = with_dwell.groupby([*keys, "dwell_min"], as_index=False)["count"].sum()
        merge_by_month(
            dataset_dir(root, municipality_id, "dwell"),
            per_class,
            key=["zone_id", "ts_utc", "dwell_min"],
            schema=DWELL_SCHEMA,
        )
    cols = [*PRESENCE_KEY, "local_date", "local_hour", "origin_distance_km"]
    summed = good.groupby(cols, as_index=False, dropna=False).agg(
        count=("count", "sum"), _line=("_line", "max")
    )
    return summed


def import_presence(
    path, *, root, municipality_id, tz="Europe/Zurich", progress: Progress | None = None
) -> ImportReport:
    """Presence per zone and hour, with the home-origin breakdown when delivered."""
    path = Path(path)
    report = ImportReport(file=path.name)
    stages = Stages(progress, read=50, check=20, store=30)
    stages.read(0)
    frame = _csv(path, ["zone_id", "timestamp", "count"], "presence_csv", stages.read)
    report.rows_read = len(frame)
    by_class = "origin_zone" not in frame.columns and "origin_class" in frame.columns
    if "origin_zone" not in frame.columns:
        frame["origin_zone"] = frame.get("origin_class", "")
    zones = stored_zones(root, municipality_id)
    known = None if zones is None else set(zones.zone_id)
    good = _common(frame, value="count", zones_cols=["zone_id"], known=known, tz=tz, report=report)
    good["origin_distance_km"] = None
    if by_class:  # distance classes mapped onto the catchment bands (analytics.ingest.classes)
        good["origin_distance_km"] = origin_class_km(good.origin_zone)
    elif zones is not None:
        xy = zones.set_index("zone_id")[["e", "n"]]
        has = good.origin_zone.isin(xy.index) & good.zone_id.isin(xy.index)
        good.loc[has, "origin_distance_km"] = [
            round(distance_m(tuple(xy.loc[a]), tuple(xy.loc[b])) / 1000, 3)
            for a, b in zip(good.zone_id[has], good.origin_zone[has], strict=True)
        ]
    good["origin_distance_km"] = good.origin_distance_km.astype("float64")
    dwell = dwell_minutes(good)
    if dwell is not None:
        good = _store_dwell(good, dwell, root=root, municipality_id=municipality_id, report=report)
    return _store(
        good,
        key=PRESENCE_KEY,
        schema=PRESENCE_SCHEMA,
        root=root,
        municipality_id=municipality_id,
        dataset="presence",
        report=report,
        stages=stages,
    )


def import_od(
    path, *, root, municipality_id, tz="Europe/Zurich", progress: Progress | None = None
) -> ImportReport:
    """Origin-destination trips per zone pair and hour (optional ``via`` zone)."""
    path = Path(path)
    report = ImportReport(file=path.name)
    stages = Stages(progress, read=50, check=20, store=30)
    stages.read(0)
    frame = _csv(path, ["origin", "destination", "timestamp", "trips"], "od_csv", stages.read)
    report.rows_read = len(frame)
    if "via" not in frame.columns:
        frame["via"] = ""
    zones = stored_zones(root, municipality_id)
    known = None if zones is None else set(zones.zone_id)
    good = _common(
        frame,
        value="trips",
        zones_cols=["origin", "destination", "via"],
        known=known,
        tz=tz,
        report=report,
    )
    return _store(
        good,
        key=OD_KEY,
        schema=OD_SCHEMA,
        root=root,
        municipality_id=municipality_id,
        dataset="od",
        report=report,
        stages=stages,
    )
