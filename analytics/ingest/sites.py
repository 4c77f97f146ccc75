"""Counting-site metadata (id, name, kind, position) -> ``sites`` dataset.

* CSV: ``id`` (or ``site_id``), ``name``, ``kind`` and a position, either ``lat``/``lon``
  (WGS84 degrees) or ``e``/``n`` (Swiss LV95 metres). Both are stored: the other pair is computed
  with analytics.geo (swisstopo's approximate formulas, ~1 m).
* GeoJSON: a FeatureCollection of Point features (RFC 7946, WGS84 ``[lon, lat]``; LV95
  coordinates are recognised by their range), the id in ``id`` or ``properties.site_id``,
  ``name`` and ``kind`` in the properties.

Stored as ``<root>/<municipality_id>/sites/sites.parquet`` with site_id, name, kind, e, n, lat,
lon (what the observatory map reads). Merged on site_id: a new id is inserted, a stored id with
another name, kind or position is replaced, an identical row is left alone (the file is not
rewritten). Rows without an id, with an unknown kind, or positioned outside Switzerland go to the
quarantine with their line (GeoJSON: the feature's number).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.engines import dataset_dir
from analytics.geo import looks_like_lv95, lv95_to_wgs84, wgs84_to_lv95
from analytics.ingest.report import ImportFormatError, ImportReport, sniff_text
from analytics.store import merge_into
from untrusted.delimiters import guess_delimiter

KINDS = ("counter", "loop", "radar", "camera", "bicycle", "pedestrian")
DEFAULT_KIND = "counter"
KEY = ["site_id"]
SCHEMA = pa.schema(
    [
        ("site_id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("e", pa.float64()),
        ("n", pa.float64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
    ]
)
# WGS84 box around Switzerland (with a margin of a few km)
LAT_RANGE = (45.8, 47.85)
LON_RANGE = (5.9, 10.55)


def _inside_switzerland(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def _number(text) -> float | None:
    if text is None:
        return None
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _position(*, lat=None, lon=None, e=None, n=None) -> tuple[dict | None, tuple | None]:
    """Both coordinate pairs from either, or why the position cannot be used (a quarantine
    code and its parameters)."""
    lat, lon, e, n = _number(lat), _number(lon), _number(e), _number(n)
    if lat is not None and lon is not None:
        if not _inside_switzerland(lat, lon):
            return None, ("position_outside", {"x": lat, "y": lon, "system": "WGS84"})
        e, n = wgs84_to_lv95(lat, lon)
    elif e is not None and n is not None:
        outside = ("position_outside", {"x": e, "y": n, "system": "LV95"})
        if not looks_like_lv95(e, n):
            return None, outside
        lat, lon = lv95_to_wgs84(e, n)
        if not _inside_switzerland(lat, lon):
            return None, outside
    else:
        return None, ("position_missing", {})
    return {"e": round(e, 2), "n": round(n, 2), "lat": round(lat, 7), "lon": round(lon, 7)}, None


def _row(line: int, raw: dict, report: ImportReport) -> dict | None:
    site_id = str(raw.get("site_id") or "").strip()
    if not site_id:
        report.reject(line, "site_id_missing")
        return None
    kind = str(raw.get("kind") or "").strip().lower() or DEFAULT_KIND
    if kind not in KINDS:
        report.reject(line, "unknown_kind", kind=kind, expected=", ".join(KINDS))
        return None
    position, problem = _position(
        lat=raw.get("lat"), lon=raw.get("lon"), e=raw.get("e"), n=raw.get("n")
    )
    if problem:
        code, figures = problem
        report.reject(line, code, site=site_id, **figures)
        return None
    name = str(raw.get("name") or "").strip() or site_id
    return {"site_id": site_id, "name": name, "kind": kind, **position, "_line": line}


def _csv_rows(path: Path, report: ImportReport) -> list[tuple[int, dict]]:
    text = sniff_text(path, expected="sites_csv")
    header = text.lstrip().splitlines()[0]
    sep = guess_delimiter(header)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise ImportFormatError("csv_unreadable", file=path.name, detail=exc) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "site_id" not in frame.columns and "id" in frame.columns:
        frame = frame.rename(columns={"id": "site_id"})
    has_position = {"lat", "lon"} <= set(frame.columns) or {"e", "n"} <= set(frame.columns)
    if "site_id" not in frame.columns or not has_position:
        raise ImportFormatError("sites_columns", file=path.name, found=", ".join(frame.columns))
    return [(i + 2, row) for i, row in enumerate(frame.to_dict("records"))]


def _geojson_rows(path: Path, data: dict, report: ImportReport) -> list[tuple[int, dict]]:
    if data.get("type") != "FeatureCollection":
        raise ImportFormatError("sites_not_points", file=path.name)
    rows = []
    for k, feature in enumerate(data.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        geom = (feature or {}).get("geometry") or {}
        site_id = feature.get("id") if isinstance(feature, dict) else None
        raw = {**props, "site_id": site_id or props.get("site_id") or props.get("id")}
        coords = geom.get("coordinates")
        if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            report.reject(k, "not_a_point", feature=k, found=geom.get("type"))
            continue
        x, y = coords[0], coords[1]
        if isinstance(x, int | float) and looks_like_lv95(x, y):
            raw.update(e=x, n=y)
        else:
            raw.update(lon=x, lat=y)
        rows.append((k, raw))
    return rows


def parse_sites(path: str | Path, report: ImportReport) -> pd.DataFrame:
    """Read and check a sites file; bad rows go to ``report.quarantine``."""
    path = Path(path)
    head = path.read_bytes()[:1].lstrip() if path.stat().st_size else b""
    data = None
    if head in (b"{", b"[") or path.suffix.lower() in (".geojson", ".json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFormatError("not_geojson", file=path.name, detail=exc) from exc
    if isinstance(data, dict):
        raw_rows = _geojson_rows(path, data, report)
    elif data is not None:
        raise ImportFormatError("sites_not_points", file=path.name)
    else:
        raw_rows = _csv_rows(path, report)
    report.rows_read = len(raw_rows) + len(report.quarantine)
    rows = [r for r in (_row(line, raw, report) for line, raw in raw_rows) if r is not None]
    frame = pd.DataFrame(rows, columns=[*SCHEMA.names, "_line"])
    dup = frame.duplicated(KEY, keep="last")
    if dup.any():
        kept = frame.drop_duplicates(KEY, keep="last").set_index("site_id")["_line"]
        for row in frame[dup].itertuples():
            report.reject(row._line, "duplicate_of", kept=kept[row.site_id])
        frame = frame[~dup]
    return frame[SCHEMA.names].reset_index(drop=True)


def import_sites(
    path: str | Path,
    *,
    root: str | Path,
    municipality_id: int | str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import site metadata into ``<root>/<municipality_id>/sites``; see the module docstring."""
    path = Path(path)
    report = ImportReport(file=path.name)
    if progress is not None:
        progress(0)
    rows = parse_sites(path, report)
    report.quarantine.sort(key=lambda q: q.line)
    if progress is not None:
        progress(50)
    if len(rows):
        merged = store_sites(root, municipality_id, rows)
        report.rows_imported = merged.inserted
        report.rows_replaced = merged.replaced
        report.rows_unchanged = merged.unchanged
    if progress is not None:
        progress(100)
    return report


def store_sites(root: str | Path, municipality_id: int | str, rows: pd.DataFrame):
    """Merge checked site rows (the SCHEMA columns) into the town's ``sites/sites.parquet``."""
    folder = dataset_dir(root, municipality_id, "sites")
    rows = rows[SCHEMA.names].reset_index(drop=True)
    partition = pd.Series("sites", index=rows.index)
    return merge_into(folder, rows, key=KEY, partition=partition, schema=SCHEMA)


def stored_sites(root: str | Path, municipality_id: int | str) -> pd.DataFrame | None:
    """The town's stored sites, or None when it has imported none."""
    path = dataset_dir(root, municipality_id, "sites") / "sites.parquet"
    return pq.read_table(path).to_pandas() if path.exists() else None


def known_site_ids(root: str | Path, municipality_id: int | str) -> set[str] | None:
    """The ids of the town's sites, for the counts importer's ``known_sites`` (None: no sites)."""
    sites = stored_sites(root, municipality_id)
    if sites is None or sites.empty:
        return None
    return set(sites.site_id)
