import json

from django.core.files.uploadedfile import SimpleUploadedFile

from commune.core.models import AuditEntry
from commune.permits.models import ReviewTask, RoutingRule
from commune.permits.services.layers import review_layer_import
from commune.permits.services.routing import review_task_add, review_task_remove
from commune.permits.services.submission import permit_submit
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import draft, rect


def _layer_file(town, name="arbres.geojson"):
    tree = rect(town, 98, 98, w=3, h=3)
    feature = {
        "type": "Feature",
        "properties": {"name": "Platane 12"},
        "geometry": json.loads(tree.json),
    }
    body = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2056"}},
        "features": [feature],
    }
    return SimpleUploadedFile(name, json.dumps(body).encode(), content_type="application/json")


def test_full_closure_adds_the_traffic_police_with_the_reason(in_town, settings_a, applicant):
    police = DepartmentFactory(municipality=in_town, code="traffic", name="Police du trafic")
    RoutingRule.objects.create(municipality=in_town, department=police, impact="full_closure")
    quiet = permit_submit(
        permit=draft(in_town, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )
    closed = permit_submit(
        permit=draft(in_town, dx=900, applicant=applicant, road_closure="full"),
        applicant=applicant,
        now=at(MONDAY),
    )
    assert not quiet.tasks.exists()
    task = closed.tasks.get()
    assert task.department == police
    assert task.reason == ReviewTask.Reason.IMPACT
    assert task.reason_text == "Route entièrement fermée"


def test_an_area_touching_an_uploaded_layer_adds_its_department(
    in_town, settings_a, applicant, officer
):
    # given a protected-trees layer (GeoJSON in LV95) for the parks department
    parks = DepartmentFactory(municipality=in_town, code="parks", name="Parcs")
    layer = review_layer_import(
        municipality=in_town,
        name="Arbres protégés",
        department=parks,
        upload=_layer_file(in_town),
        actor=officer,
    )
    assert layer.features.count() == 1
    # when one request touches a tree and another is far from it
    near = permit_submit(
        permit=draft(in_town, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )
    far = permit_submit(
        permit=draft(in_town, dx=900, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )
    # then only the first goes to the parks, and says why
    task = near.tasks.get()
    assert task.department == parks and task.reason == ReviewTask.Reason.LAYER
    assert "Arbres protégés" in task.reason_text and "Platane 12" in task.reason_text
    assert not far.tasks.exists()
    # and the audit trail keeps the reason as it read then, in the town's language
    [entry] = AuditEntry.objects.filter(action="review_task_routed", object_id=str(near.pk))
    assert entry.after["reason"].startswith("la zone de travaux touche Arbres protégés")


def test_a_shapefile_layer_is_read_too(in_town, officer, tmp_path):
    import subprocess
    import zipfile

    source = tmp_path / "zone.geojson"
    source.write_text(_layer_file(in_town).read().decode())
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", str(tmp_path / "zone.shp"), str(source)], check=True
    )
    archive = tmp_path / "zone.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for ext in ("shp", "shx", "dbf", "prj"):
            z.write(tmp_path / f"zone.{ext}", f"zone.{ext}")
    upload = SimpleUploadedFile("zone.zip", archive.read_bytes())
    water = DepartmentFactory(municipality=in_town, code="water")
    layer = review_layer_import(
        municipality=in_town, name="Zone S", department=water, upload=upload, actor=officer
    )
    feature = layer.features.get()
    assert feature.geometry.srid == 2056
    assert abs(feature.geometry.area - 9) < 0.01


def test_the_officer_adds_and_removes_a_service(in_town, settings_a, applicant, officer, roads):
    RoutingRule.objects.create(municipality=in_town, department=roads)
    permit = permit_submit(
        permit=draft(in_town, applicant=applicant), applicant=applicant, now=at(MONDAY)
    )
    water = DepartmentFactory(municipality=in_town, code="water")
    added = review_task_add(
        permit=permit, department=water, officer=officer, settings=settings_a, today=MONDAY
    )
    assert added.reason == ReviewTask.Reason.MANUAL
    assert permit.tasks.filter(status="open").count() == 2
    review_task_remove(task=added, officer=officer, now=at(MONDAY))
    added.refresh_from_db()
    assert added.status == ReviewTask.Status.CANCELLED
