import datetime as dt
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from commune.accounts.tests.factories import MembershipFactory
from commune.permits.models import Attachment, PermitRequest, RoutingRule, WorkArea
from commune.permits.services.submission import permit_submit
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import DepartmentFactory

from .conftest import MONDAY, at
from .factories import draft, origin, planned_dates, rect_geojson

pytestmark = pytest.mark.clock

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_data(town, **overrides):
    data = {
        "site_manager_name": "Paulo Ferreira",
        "site_manager_phone": "+41 79 000 00 00",
        "invoice_address": "Case postale 1, 1009 Pully",
        "kind": "telecom",
        "description": "Fibre optique",
        "road_closure": "none",
        "parking_places_removed": "0",
        "road_category": "local",
        **planned_dates(**overrides),
        "geometry": rect_geojson(town, 100, 100),
        "submission_key": str(uuid.uuid4()),
        "submit": "1",
    }
    data.update({k: v for k, v in overrides.items() if not isinstance(v, dt.timedelta)})
    return data


def _codes(response, field) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data()[field]]


def _count(town):
    with scope(town):
        return PermitRequest.objects.count(), WorkArea.objects.count(), Attachment.objects.count()


def test_applicant_submits_a_request_with_a_plan(client, town_a, applicant):
    client.force_login(applicant)
    plan = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post("/pully/permits/new/", {**form_data(town_a), "attachments": [plan]})
    assert response.status_code == 302
    with scope(town_a):
        permit = PermitRequest.objects.get()
        assert permit.status in {"granted", "in_review"}
        assert permit.reference.startswith("PLY-")
        assert permit.attachments.get().mime_type == "application/pdf"
    page = client.get(response["Location"])
    assert page.status_code == 200 and permit.reference in page.content.decode()


def test_a_line_with_a_width_becomes_a_work_area(client, town_a, applicant):
    client.force_login(applicant)
    x, y = origin(town_a)
    line = {"type": "LineString", "coordinates": [[x + 100, y + 100], [x + 130, y + 100]]}
    data = form_data(town_a, geometry=json.dumps(line), line_width_m="0.8")
    assert client.post("/pully/permits/new/", data).status_code == 302
    with scope(town_a):
        area = WorkArea.objects.get()
    assert area.length_m == pytest.approx(30)
    assert area.area_m2 == pytest.approx(24, rel=0.01)


def test_wgs84_geojson_from_the_map_is_accepted(client, town_a, applicant):
    client.force_login(applicant)
    from django.contrib.gis.geos import GEOSGeometry

    poly = GEOSGeometry(rect_geojson(town_a, 100, 100))
    poly.srid = 2056
    wgs = poly.transform(4326, clone=True)
    response = client.post("/pully/permits/new/", form_data(town_a, geometry=wgs.json))
    assert response.status_code == 302
    with scope(town_a):
        assert WorkArea.objects.get().area_m2 == pytest.approx(8, rel=0.01)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (
            {
                "geometry": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]],
                    }
                )
            },
            "geometry",
            "invalid",
        ),
        ({"geometry": "not json"}, "geometry", "json"),
        ({"planned_end": -dt.timedelta(days=4)}, "planned_end", "reversed"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, town_a, applicant, overrides, field, code
):
    client.force_login(applicant)
    data = form_data(town_a, **overrides)
    if code == "invalid":
        x, y = origin(town_a)
        bowtie = [
            [x + 100, y + 100],
            [x + 110, y + 110],
            [x + 110, y + 100],
            [x + 100, y + 110],
            [x + 100, y + 100],
        ]
        data["geometry"] = json.dumps({"type": "Polygon", "coordinates": [bowtie]})
    response = client.post("/pully/permits/new/", data)
    assert response.status_code == 400
    assert _codes(response, field) == [code]
    assert response.context["form"].errors[field][0]  # a message in the user's language
    assert _count(town_a) == (0, 0, 0)


def test_an_area_outside_the_town_is_refused(client, town_a, town_b, applicant):
    client.force_login(applicant)
    response = client.post(
        "/pully/permits/new/", form_data(town_a, geometry=rect_geojson(town_b, 100, 100))
    )
    assert response.status_code == 400
    assert _codes(response, "geometry") == ["outside"]
    assert _count(town_a) == (0, 0, 0)


def test_a_fake_pdf_is_refused_and_nothing_is_saved(client, town_a, applicant):
    client.force_login(applicant)
    fake = SimpleUploadedFile(
        "plan.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    response = client.post("/pully/permits/new/", {**form_data(town_a), "attachments": [fake]})
    assert response.status_code == 400
    assert _codes(response, "attachments") == ["type"]
    assert _count(town_a) == (0, 0, 0)


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_a_too_large_file_is_refused(client, town_a, applicant):
    client.force_login(applicant)
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = client.post("/pully/permits/new/", {**form_data(town_a), "attachments": [big]})
    assert response.status_code == 400
    assert _codes(response, "attachments") == ["size"]
    assert _count(town_a) == (0, 0, 0)


def test_the_same_form_posted_twice_creates_one_request(client, town_a, applicant):
    client.force_login(applicant)
    data = form_data(town_a)
    first = client.post("/pully/permits/new/", data)
    second = client.post("/pully/permits/new/", data)
    assert first["Location"] == second["Location"]
    assert _count(town_a)[0] == 1


def test_another_towns_request_is_a_404(client, town_a, town_b, applicant, staff_client):
    with scope(town_b):
        theirs = draft(town_b, applicant=applicant)
    client.force_login(applicant)
    assert client.get(f"/lutry/permits/{theirs.pk}/").status_code == 200
    assert client.get(f"/pully/permits/{theirs.pk}/").status_code == 404
    with scope(town_a):
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    staff = staff_client(officer)
    assert staff.get(f"/pully/permits/staff/{theirs.pk}/").status_code == 404


def test_someone_elses_request_is_a_404_for_an_applicant(client, town_a, applicant):
    from commune.accounts.tests.factories import UserFactory

    with scope(town_a):
        permit = draft(town_a, applicant=UserFactory())
    client.force_login(applicant)
    assert client.get(f"/pully/permits/{permit.pk}/").status_code == 404


def test_reviewer_answers_only_for_their_department(town_a, applicant, staff_client):
    with scope(town_a):
        roads = DepartmentFactory(municipality=town_a, code="roads")
        water = DepartmentFactory(municipality=town_a, code="water")
        RoutingRule.objects.create(municipality=town_a, department=roads)
        permit = permit_submit(
            permit=draft(town_a, applicant=applicant), applicant=applicant, now=at(MONDAY)
        )
        task = permit.tasks.get()
        stranger = MembershipFactory(
            municipality=town_a, role="service_reviewer", department=water
        ).user
        reviewer = MembershipFactory(
            municipality=town_a, role="service_reviewer", department=roads
        ).user
    assert staff_client(stranger).get(f"/pully/permits/staff/tasks/{task.pk}/").status_code == 403
    client = staff_client(reviewer)
    assert client.get(f"/pully/permits/staff/tasks/{task.pk}/").status_code == 200
    response = client.post(
        f"/pully/permits/staff/tasks/{task.pk}/",
        {"opinion": "conditions", "free_conditions": "Remise en état à l'identique"},
    )
    assert response.status_code == 302
    with scope(town_a):
        task.refresh_from_db()
    assert task.opinion == "conditions"


def test_officer_queue_shows_exceptions_and_grants_from_the_file(town_a, applicant, staff_client):
    with scope(town_a):
        permit = permit_submit(
            permit=draft(town_a, applicant=applicant, road_closure="full"),
            applicant=applicant,
            now=at(MONDAY),
        )
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    client = staff_client(officer)
    queue = client.get("/pully/permits/staff/?view=exceptions")
    assert queue.status_code == 200 and permit.reference in queue.content.decode()
    detail = client.get(f"/pully/permits/staff/{permit.pk}/")
    assert detail.status_code == 200
    assert (
        client.post(f"/pully/permits/staff/{permit.pk}/decide/", {"decision": "grant"}).status_code
        == 302
    )
    with scope(town_a):
        permit.refresh_from_db()
    assert permit.status == "granted" and permit.decided_by == officer


def test_an_applicant_cannot_open_the_staff_queue(client, town_a, applicant):
    client.force_login(applicant)
    assert client.get("/pully/permits/staff/").status_code in {302, 403}


def test_the_officer_uploads_a_geojson_layer_and_a_broken_file_is_explained(town_a, staff_client):
    from commune.permits.models import ReviewLayer

    from .test_routing import _layer_file

    with scope(town_a):
        parks = DepartmentFactory(municipality=town_a, code="parks")
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
    client = staff_client(officer)
    response = client.post(
        "/pully/permits/staff/layers/",
        {"name": "Arbres", "department": parks.pk, "file": _layer_file(town_a)},
    )
    assert response.status_code == 302
    broken = SimpleUploadedFile("x.geojson", b"{not json")
    response = client.post(
        "/pully/permits/staff/layers/", {"name": "Cassé", "department": parks.pk, "file": broken}
    )
    assert response.status_code == 400 and response.context["form"].errors["file"]
    with scope(town_a):
        assert list(ReviewLayer.objects.values_list("name", flat=True)) == ["Arbres"]


def test_applicant_answers_a_complement_through_the_page(client, town_a, applicant):
    from commune.permits.services.review import complement_request

    with scope(town_a):
        roads = DepartmentFactory(municipality=town_a, code="roads")
        RoutingRule.objects.create(municipality=town_a, department=roads)
        officer = MembershipFactory(municipality=town_a, role="permit_officer").user
        permit = permit_submit(
            permit=draft(
                town_a,
                applicant=applicant,
                planned_start=dt.date(2030, 6, 3),
                planned_end=dt.date(2030, 6, 7),
            ),
            applicant=applicant,
            now=at(MONDAY),
        )
        complement = complement_request(
            permit=permit, officer=officer, question="Plan ?", now=at(MONDAY)
        )
    client.force_login(applicant)
    page = client.get(f"/pully/permits/{permit.pk}/")
    assert "Plan ?" in page.content.decode()
    response = client.post(
        f"/pully/permits/{permit.pk}/complements/{complement.pk}/",
        {"answer": "Voici le plan", "files": [SimpleUploadedFile("p.pdf", PDF)]},
    )
    assert response.status_code == 302
    with scope(town_a):
        permit.refresh_from_db()
        assert permit.status == "in_review"
        assert permit.attachments.filter(purpose="complement").count() == 1


def test_new_request_page_has_the_map_and_a_label_for_every_field(client, town_a, applicant):
    client.force_login(applicant)
    response = client.get("/pully/permits/new/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-target="id_geometry"' in body and "leaflet.js" in body
    for name, field in response.context["form"].fields.items():
        if not field.widget.is_hidden and name not in {"is_emergency", "pavement_closure"}:
            assert f'for="id_{name}"' in body, name


def test_reviewer_sees_their_tasks_and_the_late_ones(town_a, applicant, staff_client):
    with scope(town_a):
        roads = DepartmentFactory(municipality=town_a, code="roads")
        RoutingRule.objects.create(municipality=town_a, department=roads)
        permit = permit_submit(
            permit=draft(town_a, applicant=applicant), applicant=applicant, now=at(MONDAY)
        )
        reviewer = MembershipFactory(
            municipality=town_a, role="service_reviewer", department=roads
        ).user
    client = staff_client(reviewer)
    mine = client.get("/pully/permits/staff/?view=mine")
    assert mine.status_code == 200 and permit.reference in mine.content.decode()
    late = client.get("/pully/permits/staff/?view=late")  # due in May 2026: late today
    assert late.status_code == 200 and permit.reference in late.content.decode()
