"""Exports of the indicators shown on the observatory pages: CSV and Parquet per indicator,
GeoJSON (RFC 7946, WGS84) of the map layers. The analysts' follow their page's filters; the
public ones are the published tables of one period (services/opendata.py), never internal
figures. Every CSV is written by core/csvsafe (no cell a spreadsheet would run)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from django.http import HttpResponse

from commune.core.csvsafe import frame_to_csv

from .presentation import map_layers, site_names, site_volumes, zone_names

INDICATORS = (
    "daily",
    "profile",
    "sites",
    "od",
    "typology",
    "catchment",
    "quality",
    "occupancy",
    "dwell",
)


def writes_days(fmt: str, indicator: str) -> bool:
    """Whether an export writes the sites' days (`data["daily"]`): the CSV and the Parquet of
    the daily volumes only; the others, and the GeoJSON, read the totals kept with the figures,
    so the view asks the warehouse for no days then (a canton's year is 4 M of them)."""
    return fmt in ("csv", "parquet") and indicator == "daily"


def indicator_frame(data: dict, indicator: str) -> pd.DataFrame:
    """One indicator of `observatory_data(...)` as a flat table (empty when there is no data)."""
    if indicator == "sites":
        sites = data["catalogue"]["sites"]
        volumes = site_volumes(data)
        frame = pd.DataFrame(
            {
                "site_id": sites.get("site_id", pd.Series(dtype=str)),
                "name": sites.get("name", pd.Series(dtype=str)),
                "lat": sites.get("lat", pd.Series(dtype=float)),
                "lon": sites.get("lon", pd.Series(dtype=float)),
            }
        )
        frame["volume"] = [volumes.get(s) for s in frame.site_id]
        return frame[frame.site_id.isin(volumes.keys())].reset_index(drop=True)
    frame = data.get(indicator)
    if frame is None:
        return pd.DataFrame()
    frame = frame.reset_index(drop=True)
    if indicator == "od":
        frame = frame.sort_values(["origin", "destination"]).reset_index(drop=True)
    elif indicator == "dwell":
        frame = frame.sort_values(["zone_id", "band_min"]).reset_index(drop=True)
    elif indicator == "occupancy":
        names = data.get("sensor_names") or {}
        frame.insert(1, "name", [names.get(s, s) for s in frame.sensor_id])
    return _named(frame, data)


def _named(frame: pd.DataFrame, data: dict) -> pd.DataFrame:
    """Each site's and zone's name beside its id (the id again when the catalogue has none), so
    a download reads as the page does."""
    sites, zones = site_names(data), zone_names(data, say_unnamed=False)
    for column, names, named in (
        ("site_id", sites, "name"),
        ("origin", zones, "origin_name"),
        ("destination", zones, "destination_name"),
        ("zone_id", zones, "zone_name"),
    ):
        if column in frame and named not in frame:
            at = list(frame.columns).index(column) + 1
            frame.insert(at, named, [names.get(v, v) for v in frame[column]])
    return frame


def _filename(town, data: dict, indicator: str, ext: str, period) -> str:
    kind = "open" if data["public"] else "internal"
    return f"{town.slug}-mobility-{indicator}-{kind}-{period[0]}-{period[1]}.{ext}"


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(town, data: dict, indicator: str, period) -> HttpResponse:
    frame = indicator_frame(data, indicator)
    body = frame_to_csv(frame)
    name = _filename(town, data, indicator, "csv", period)
    return _attachment(body, "text/csv; charset=utf-8", name)


def parquet_response(town, data: dict, indicator: str, period) -> HttpResponse:
    frame = indicator_frame(data, indicator)
    for column in frame.columns:
        if (
            frame[column].dtype == object
            and frame[column].map(lambda v: v is None or isinstance(v, int | float)).all()
        ):
            frame[column] = pd.to_numeric(frame[column]).astype("Float64")
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    name = _filename(town, data, indicator, "parquet", period)
    return _attachment(buffer.getvalue(), "application/vnd.apache.parquet", name)


def geojson(data: dict) -> dict:
    """Sites (Point, volume), zones (Polygon, trips out/in) and top flows (LineString)."""
    layers = map_layers(data)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(s["lon"], 7), round(s["lat"], 7)]},
            "properties": {
                "layer": "site",
                "site_id": s["id"],
                "name": s["name"],
                "volume": s["volume"],
            },
        }
        for s in layers["sites"]
    ]
    for zone in layers["zones"]["features"]:
        features.append({**zone, "properties": {"layer": "zone", **zone["properties"]}})
    for flow in layers["flows"]:
        (lat1, lon1), (lat2, lon2) = flow["from"], flow["to"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[lon1, lat1], [lon2, lat2]]},
                "properties": {"layer": "flow", "flow": flow["label"], "trips": flow["trips"]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_response(town, data: dict, period) -> HttpResponse:
    body = json.dumps(geojson(data), ensure_ascii=False, default=_plain).encode("utf-8")
    name = _filename(town, data, "map", "geojson", period)
    return _attachment(body, "application/geo+json", name)


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
