"""GDAL in this process reaches no network, and vector_open() uses only the drivers it is given.

The network tests point every remote file system GDAL knows at a local HTTP server that
records requests (endpoints set through GDAL's own environment variables), so that a request
that got out would be seen; a control runs the same paths in a fresh Python without the guard
and sees them arrive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException

from commune.core.gdal_safety import (
    LOCAL_FILE_SYSTEMS,
    file_system_prefixes,
    gdal_network_off,
    vector_open,
)
from commune.core.testing_http import RecordingHTTPServer

REMOTE_FILE_SYSTEMS = [
    "vsicurl",
    "vsis3",
    "vsigs",
    "vsiaz",
    "vsiadls",
    "vsioss",
    "vsiswift",
    "vsiwebhdfs",
]


def endpoints(url: str) -> dict[str, str]:
    """GDAL's environment variables that send each cloud file system to `url`."""
    host = url.removeprefix("http://")
    return {
        "AWS_S3_ENDPOINT": host,
        "AWS_HTTPS": "NO",
        "AWS_VIRTUAL_HOSTING": "FALSE",
        "AWS_NO_SIGN_REQUEST": "YES",
        "CPL_GS_ENDPOINT": f"{url}/",
        "GS_NO_SIGN_REQUEST": "YES",
        "AZURE_STORAGE_CONNECTION_STRING": (
            f"DefaultEndpointsProtocol=http;AccountName=a;AccountKey=YQ==;BlobEndpoint={url}/a;"
        ),
        "AZURE_NO_SIGN_REQUEST": "YES",
        "OSS_ENDPOINT": host,
        "OSS_HTTPS": "NO",
        "OSS_ACCESS_KEY_ID": "a",
        "OSS_SECRET_ACCESS_KEY": "b",
        "SWIFT_STORAGE_URL": f"{url}/v1",
        "SWIFT_AUTH_TOKEN": "t",
    }


def remote_paths(url: str) -> list[str]:
    paths = []
    for system in REMOTE_FILE_SYSTEMS:
        target = f"{url}/f" if system in {"vsicurl", "vsiwebhdfs"} else "bucket/f"
        for variant in ("", "_streaming"):
            for suffix in (".geojson", ".shp", ""):
                paths.append(f"/{system}{variant}/{target}{suffix}")
    return [
        *paths,
        f"/vsicurl?url={url}/q.json",
        f"/vsizip//vsicurl/{url}/chained.zip/layer.shp",
        f"/vsigzip//vsicurl/{url}/chained.gz",
        f"/vsitar//vsicurl/{url}/chained.tar/layer.shp",
        f"/VSICURL/{url}/upper.json",
        f"/vsicurl\\{url}/backslash.json",
        f"{url}/direct.geojson",
        f"WFS:{url}/wfs",
        f"OAPIF:{url}/oapif",
    ]


def crs_link_file(tmp_path, url: str):
    """A GeoJSON whose CRS is a link: GDAL's GeoJSON driver fetches it."""
    path = tmp_path / "crs.geojson"
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [1, 2]},
    }
    crs = {"type": "link", "properties": {"href": f"{url}/crs"}}
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]}))
    return path


def open_all(paths) -> None:
    for path in paths:
        try:
            DataSource(str(path))
        except GDALException:
            pass


def test_no_gdal_path_reaches_the_network(monkeypatch, tmp_path):
    with RecordingHTTPServer(body=b'{"type": "FeatureCollection", "features": []}') as server:
        for name, value in endpoints(server.url).items():
            monkeypatch.setenv(name, value)
        # when GDAL opens every remote path it knows, and a file with a CRS link
        open_all([*remote_paths(server.url), crs_link_file(tmp_path, server.url)])
        # then nothing left the process
        assert server.requests == []


def test_without_the_guard_the_same_paths_do_reach_the_server(tmp_path):
    """The control: a fresh Python with Django's GDAL but not commune's guard."""
    with RecordingHTTPServer(body=b'{"type": "FeatureCollection", "features": []}') as server:
        script = textwrap.dedent(
            """
            import json, sys
            from django.contrib.gis.gdal import DataSource, GDALException
            for path in json.loads(sys.argv[1]):
                try:
                    DataSource(path)
                except GDALException:
                    pass
            """
        )
        paths = [*remote_paths(server.url), str(crs_link_file(tmp_path, server.url))]
        env = {"PATH": "/usr/bin:/bin", **endpoints(server.url)}
        subprocess.run(
            [sys.executable, "-c", script, json.dumps(paths)],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            check=True,
            timeout=120,
        )
        reached = {urlsplit(path).path.split("/")[1] for _, path in server.requests}
    assert len(server.requests) > 20
    expected = {"f.geojson", "crs", "wfs", "oapif", "q.json", "direct.geojson", "chained.zip"}
    assert expected <= reached


def test_every_file_system_but_the_local_ones_is_replaced():
    # given the guard already ran (CoreConfig.ready), running it again changes nothing
    gdal_network_off()
    prefixes = set(file_system_prefixes())
    assert {"/vsicurl/", "/vsis3/", "/vsiswift/", "/vsimem/", "/vsizip/"} <= prefixes
    assert prefixes - LOCAL_FILE_SYSTEMS  # there is something to refuse
    for prefix in prefixes - LOCAL_FILE_SYSTEMS:
        with pytest.raises(GDALException):
            DataSource(f"{prefix}anything.geojson")


def test_local_files_and_coordinate_systems_still_work(tmp_path):
    from django.contrib.gis.gdal import SpatialReference
    from django.contrib.gis.geos import Point

    point = Point(6.63, 46.52, srid=4326)
    point.transform(2056)
    assert 2_530_000 < point.x < 2_560_000
    assert SpatialReference(2056).name.startswith("CH1903+")
    path = tmp_path / "plain.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    assert DataSource(str(path)).layer_count == 1


@pytest.fixture
def shapefile(tmp_path):
    source = tmp_path / "source.geojson"
    feature = {
        "type": "Feature",
        "properties": {"name": "Platane"},
        "geometry": {"type": "Point", "coordinates": [2540000, 1150000]},
    }
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    folder = tmp_path / "layer"
    folder.mkdir()
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", str(folder / "layer.shp"), str(source)], check=True
    )
    return folder / "layer.shp"


def test_vector_open_reads_a_shapefile_with_the_driver_and_siblings_given(shapefile):
    siblings = [p.name for p in shapefile.parent.iterdir()]
    source = vector_open(shapefile, drivers=["ESRI Shapefile"], siblings=siblings)
    assert source.driver.name == "ESRI Shapefile"
    assert [f.get("name") for f in source[0]] == ["Platane"]


def test_vector_open_refuses_a_vrt_even_named_shp(tmp_path):
    # given a VRT reading a CSV, saved as layer.shp: Django's DataSource follows it
    (tmp_path / "secret.csv").write_text("name,x,y\nsecret,1,2\n")
    vrt = tmp_path / "layer.shp"
    vrt.write_text(
        "<OGRVRTDataSource><OGRVRTLayer name='secret'>"
        f"<SrcDataSource>{tmp_path / 'secret.csv'}</SrcDataSource>"
        "<GeometryField encoding='PointFromColumns' x='x' y='y'/>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )
    assert DataSource(str(vrt)).driver.name == "OGR_VRT"
    # when it is opened with the shapefile driver only, it is refused
    with pytest.raises(GDALException):
        vector_open(vrt, drivers=["ESRI Shapefile"], siblings=["layer.shp"])


@pytest.mark.parametrize(
    "path", ["/vsizip//tmp/x.zip/layer.shp", "/vsimem/layer.shp", "layer.shp", "/tmp/a\x00.shp"]
)
def test_vector_open_refuses_virtual_relative_and_odd_paths(path):
    with pytest.raises(GDALException, match="not a plain local path"):
        vector_open(path, drivers=["ESRI Shapefile"], siblings=["layer.shp"])


def test_vector_open_works_in_a_fresh_process_before_any_other_gdal_use(shapefile):
    """GDAL's drivers are registered lazily; vector_open must not rely on someone else's call."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        import django
        django.setup()
        from commune.core.gdal_safety import vector_open
        path = Path(sys.argv[1])
        siblings = [p.name for p in path.parent.iterdir()]
        print(len(vector_open(path, drivers=["ESRI Shapefile"], siblings=siblings)[0]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(shapefile)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
    )
    assert done.stdout.strip() == "1", done.stderr
