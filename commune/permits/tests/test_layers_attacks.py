"""Hostile review-layer uploads (issue 7, Critical): files that make GDAL read other files or
the network, archives that are not a plain shapefile, and inputs that used to give a 500.

Every attack goes through the real page as a permit officer. Each must be refused with a
message on the form, and nothing may be read: the secret written in the server's files appears
in no layer label and not in the page, no layer is created, and the local HTTP server that a
/vsicurl/ path points at receives no request.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commune.accounts.tests.factories import MembershipFactory
from commune.core.testing_http import RecordingHTTPServer
from commune.permits.models import ReviewFeature, ReviewLayer
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .factories import origin

URL = "/pully/permits/staff/layers/"


@pytest.fixture
def secret():
    return f"SECRET-{uuid.uuid4().hex}"


@pytest.fixture
def parks(town_a):
    with scope(town_a):
        return DepartmentFactory(municipality=town_a, code="parks", name="Parcs")


@pytest.fixture
def officer_client(town_a, staff_client):
    with scope(town_a):
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    client = staff_client(officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.raise_request_exception = False  # a 500 is a failed attack test, not an error
    return client


@pytest.fixture
def point_in_town(town_a):
    x, y = origin(town_a)
    return x + 100, y + 100


@pytest.fixture
def secret_csv(tmp_path, secret, point_in_town):
    """A CSV on the server's disk holding a secret beside coordinates GDAL can place."""
    path = tmp_path / "secrets.csv"
    x, y = point_in_town
    path.write_text(f"name,x,y\n{secret},{x},{y}\n")
    return path


@pytest.fixture
def secret_sqlite(tmp_path, secret, point_in_town):
    """A SQLite database on the server's disk, like the default database with its hashes."""
    path = tmp_path / "secrets.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("create table users (name text, x real, y real)")
        db.execute("insert into users values (?, ?, ?)", (secret, *point_in_town))
    return path


def vrt(source: str, *, sql: str | None = None) -> bytes:
    """An OGR VRT that turns the rows of `source` into point features labelled `name`."""
    layer = f"<SrcSQL>{sql}</SrcSQL>" if sql else "<SrcLayer>secrets</SrcLayer>"
    return (
        "<OGRVRTDataSource><OGRVRTLayer name='secrets'>"
        f"<SrcDataSource>{source}</SrcDataSource>{layer}"
        "<GeometryType>wkbPoint</GeometryType>"
        "<GeometryField encoding='PointFromColumns' x='x' y='y'/>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def geojson(town, label: str) -> bytes:
    x, y = origin(town)
    feature = {
        "type": "Feature",
        "properties": {"name": label},
        "geometry": {"type": "Point", "coordinates": [x + 50, y + 50]},
    }
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2056"}}
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]}).encode()


def ogr_file(tmp_path, town, label: str, driver: str, name: str) -> bytes:
    """`label` in a file written by ogr2ogr in another format (GeoPackage, SQLite, shapefile)."""
    source = tmp_path / f"{name}-source.geojson"
    source.write_bytes(geojson(town, label))
    target = tmp_path / name
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(source)], check=True)
    return target.read_bytes()


def shapefile_parts(tmp_path, town, label="Platane 12") -> dict[str, bytes]:
    ogr_file(tmp_path, town, label, "ESRI Shapefile", "zone.shp")
    return {ext: (tmp_path / f"zone.{ext}").read_bytes() for ext in ("shp", "shx", "dbf", "prj")}


def a_zip(members: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, so that the mode bits below are read
            info.external_attr = 0o120777 << 16  # a symbolic link
            archive.writestr(info, target)
    return buffer.getvalue()


def post(client, parks, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(URL, {"name": "Couche", "department": parks.pk, "file": upload})


def assert_refused(response, town, *, secret: str | None = None, message: str = "") -> None:
    """400 with a message on the file field; no layer, no feature; the secret nowhere."""
    with scope(town):
        labels = list(ReviewFeature.objects.values_list("label", flat=True))
        layers = list(ReviewLayer.objects.values_list("name", flat=True))
    if secret is not None:
        assert [label for label in labels if secret in label] == [], "the secret was read"
        assert secret not in response.content.decode()
    assert layers == [] and labels == []
    assert response.status_code == 400, response.status_code
    errors = response.context["form"].errors.get("file")
    assert errors, "the form shows no error on the file"
    if message:
        assert any(message in error for error in errors), errors


@pytest.mark.parametrize("name", ["layer.json", "layer.geojson"])
def test_a_vrt_reading_a_csv_on_the_server_is_refused(
    officer_client, town_a, parks, secret, secret_csv, name
):
    response = post(officer_client, parks, name, vrt(str(secret_csv)))
    assert_refused(response, town_a, secret=secret, message="not a GeoJSON file or a ZIP archive")


def test_a_vrt_reading_a_sqlite_database_on_the_server_is_refused(
    officer_client, town_a, parks, secret, secret_sqlite
):
    source = vrt(str(secret_sqlite), sql="SELECT name, x, y FROM users")
    response = post(officer_client, parks, "layer.geojson", source)
    assert_refused(response, town_a, secret=secret, message="not a GeoJSON file or a ZIP archive")


def test_a_vrt_pointing_at_vsicurl_is_refused_and_no_request_leaves(
    officer_client, town_a, parks, secret, point_in_town
):
    x, y = point_in_town
    with RecordingHTTPServer(body=f"name,x,y\n{secret},{x},{y}\n".encode()) as server:
        source = vrt(f"/vsicurl/{server.url}/secrets.csv")
        response = post(officer_client, parks, "layer.json", source)
        assert server.requests == []
    assert_refused(response, town_a, secret=secret)


def test_a_vrt_named_shp_inside_a_zip_is_refused(
    officer_client, town_a, parks, secret, secret_csv, tmp_path
):
    parts = shapefile_parts(tmp_path, town_a)
    members = {"zone.shp": vrt(str(secret_csv)), "zone.shx": parts["shx"], "zone.dbf": parts["dbf"]}
    response = post(officer_client, parks, "zone.zip", a_zip(members))
    assert_refused(response, town_a, secret=secret, message="zone.shp is not a shapefile")


def test_a_geopackage_is_refused(officer_client, town_a, parks, secret, tmp_path):
    package = ogr_file(tmp_path, town_a, secret, "GPKG", "layer.gpkg")
    response = post(officer_client, parks, "layer.geojson", package)
    assert_refused(response, town_a, secret=secret, message="not a GeoJSON file or a ZIP archive")


def test_a_sqlite_file_is_refused(officer_client, town_a, parks, secret, tmp_path):
    database = ogr_file(tmp_path, town_a, secret, "SQLite", "layer.sqlite")
    response = post(officer_client, parks, "layer.json", database)
    assert_refused(response, town_a, secret=secret, message="not a GeoJSON file or a ZIP archive")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"zone.vrt": b"<OGRVRTDataSource/>"}, "it also holds zone.vrt"),
        ({"notes.csv": b"name,x,y\n"}, "it also holds notes.csv"),
        ({"inner.zip": b"PK\x05\x06" + b"\x00" * 18}, "it also holds inner.zip"),
        ({"zone.qix": b"\x00" * 8}, "it also holds zone.qix"),
        ({"../zone.cpg": b"UTF-8"}, "../zone.cpg"),
        ({"sub/zone.cpg": b"UTF-8"}, "sub/zone.cpg"),
        ({"/tmp/zone.cpg": b"UTF-8"}, "/tmp/zone.cpg"),
        ({"other.cpg": b"UTF-8"}, "more than one shapefile"),
    ],
    ids=["vrt", "csv", "nested-zip", "index", "dotdot", "folder", "absolute", "two-names"],
)
def test_a_shapefile_zip_with_other_members_is_refused(
    officer_client, town_a, parks, tmp_path, extra, message
):
    members = {f"zone.{ext}": content for ext, content in shapefile_parts(tmp_path, town_a).items()}
    response = post(officer_client, parks, "zone.zip", a_zip({**members, **extra}))
    assert_refused(response, town_a, message=message)


def test_a_shapefile_zip_with_a_symbolic_link_is_refused(
    officer_client, town_a, parks, tmp_path, secret, secret_csv
):
    members = {f"zone.{ext}": content for ext, content in shapefile_parts(tmp_path, town_a).items()}
    del members["zone.dbf"]
    archive = a_zip(members, links={"zone.dbf": str(secret_csv)})
    response = post(officer_client, parks, "zone.zip", archive)
    assert_refused(response, town_a, secret=secret, message="zone.dbf is a link")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(officer_client, town_a, parks, tmp_path):
    members = {f"zone.{ext}": content for ext, content in shapefile_parts(tmp_path, town_a).items()}
    members["zone.dbf"] = members["zone.dbf"] + b"\x00" * (200 * 1024 * 1024)
    archive = a_zip(members)
    assert len(archive) < 1024 * 1024  # 200 MB of zeros in a few hundred KB
    response = post(officer_client, parks, "zone.zip", archive)
    assert_refused(response, town_a, message="zone.dbf would unpack to 200 MB")


def test_a_file_that_is_not_a_zip_but_named_zip_is_a_form_error(officer_client, town_a, parks):
    response = post(officer_client, parks, "zone.zip", b"name;x;y\nnot;a;zip\n")
    assert_refused(response, town_a, message="not a GeoJSON file or a ZIP archive")


def test_a_truncated_zip_is_a_form_error(officer_client, town_a, parks, tmp_path):
    members = {f"zone.{ext}": content for ext, content in shapefile_parts(tmp_path, town_a).items()}
    archive = a_zip(members)
    response = post(officer_client, parks, "zone.zip", archive[: len(archive) // 2])
    assert_refused(response, town_a)


def test_geojson_nested_50000_deep_is_a_form_error(officer_client, town_a, parks):
    deep = "[" * 50_000 + "]" * 50_000
    body = '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
    body += '{"type": "Point", "coordinates": ' + deep + "}}]}"
    response = post(officer_client, parks, "layer.geojson", body.encode())
    assert_refused(response, town_a, message="nested too deeply")


def test_a_geojson_feature_with_an_external_crs_is_refused(officer_client, town_a, parks):
    with RecordingHTTPServer(body=b"{}") as server:
        data = json.loads(geojson(town_a, "Platane"))
        data["crs"] = {"type": "link", "properties": {"href": f"{server.url}/crs"}}
        response = post(officer_client, parks, "layer.geojson", json.dumps(data).encode())
        assert server.requests == []
    assert_refused(response, town_a, message="coordinate system")


def test_the_refusal_is_in_the_users_language(officer_client, town_a, parks, secret_csv):
    officer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = post(officer_client, parks, "layer.json", vrt(str(secret_csv)))
    assert_refused(response, town_a, message="pas un fichier GeoJSON ou une archive ZIP")


def test_a_plain_geojson_and_a_plain_shapefile_zip_are_still_imported(
    officer_client, town_a, parks, tmp_path
):
    # given a GeoJSON with a byte-order mark and a long label, and a shapefile zip with a .cpg
    long_label = "Chêne " + "x" * 400
    with_bom = b"\xef\xbb\xbf" + geojson(town_a, long_label)
    response = post(officer_client, parks, "arbres.geojson", with_bom)
    assert response.status_code == 302
    members = {f"zone.{ext}": content for ext, content in shapefile_parts(tmp_path, town_a).items()}
    members["zone.cpg"] = b"UTF-8"
    response = post(officer_client, parks, "zone.zip", a_zip(members))
    assert response.status_code == 302
    # then both layers exist, labels bounded
    with scope(town_a):
        labels = sorted(ReviewFeature.objects.values_list("label", flat=True))
    assert labels[0].startswith("Chêne x") and len(labels[0]) == 200
    assert labels[1] == "Platane 12"
