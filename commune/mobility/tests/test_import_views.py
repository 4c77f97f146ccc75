"""The import page: upload, type checks, one import per submission, progress, report."""

import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.mobility.models import DataImport
from commune.tenants.scoping import scope

from .factories import DataImportFactory

COUNTS = b"site_id,timestamp,count\nA1,2026-03-17T08:00:00+01:00,12\nA1,x,3\n"


def list_url(town):
    return reverse("mobility:import-list", kwargs={"town": town.slug})


def detail_url(town, data_import):
    return reverse(
        "mobility:import-detail", kwargs={"town": town.slug, "import_id": data_import.pk}
    )


def member(town, role):
    user = UserFactory()
    with scope(town):
        Membership.objects.create(municipality=town, user=user, role=role)
    return user


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, town, name, content, *, kind="counts", key=None, **extra):
    data = {
        "kind": kind,
        "file": SimpleUploadedFile(name, content),
        "time_zone": "Europe/Zurich",
        "layout": "long",
        "submission_key": str(key or uuid.uuid4()),
        **extra,
    }
    return client.post(list_url(town), data)


def imports_of(town):
    with scope(town):
        return list(DataImport.objects.order_by("id"))


def test_uploaded_counts_file_is_imported_in_the_background_and_reported(
    transactional_db, analyst, town_a, django_capture_on_commit_callbacks
):
    # (transactional: the import runs in a child process, which sees committed rows only)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(analyst, town_a, "counts.csv", COUNTS)
    # then
    [done] = imports_of(town_a)
    assert response.status_code == 302
    assert response["Location"] == detail_url(town_a, done)
    assert (done.status, done.rows_imported, len(done.quarantine)) == ("done", 1, 1)
    page = analyst.get(detail_url(town_a, done)).content.decode()
    assert "Rows not imported" in page
    assert "<td>counts.csv</td><td>3</td>" in page
    assert "hx-trigger" not in page  # finished: no more polling


def test_the_same_form_sent_twice_makes_one_import(analyst, town_a):
    # given
    key = uuid.uuid4()
    # when
    first = upload(analyst, town_a, "counts.csv", COUNTS, key=key)
    second = upload(analyst, town_a, "counts.csv", COUNTS, key=key)
    # then
    [only] = imports_of(town_a)
    assert first["Location"] == second["Location"] == detail_url(town_a, only)


def gtfs_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stops.txt", "stop_id,stop_name\n1,Pully-Gare\n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("counts", "counts.csv", b'{"type": "FeatureCollection"}', "This is not a CSV text file."),
        ("counts", "counts.csv", gtfs_zip(), "This is not a CSV text file."),
        ("counts", "counts.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV text file."),
        ("gtfs", "gtfs.zip", COUNTS, "A GTFS timetable is a ZIP archive; this file is not one."),
        ("zones", "zones.geojson", COUNTS, "Zones must be a GeoJSON FeatureCollection."),
        ("zones", "zones.geojson", b'{"type": "Point"}', "Zones must be a GeoJSON"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_with_a_message(
    analyst, town_a, kind, name, content, message
):
    # when
    response = upload(analyst, town_a, name, content, kind=kind)
    # then
    assert response.status_code == 400
    assert message in response.content.decode()
    assert imports_of(town_a) == []


def test_files_of_the_right_type_pass_the_check(analyst, town_a):
    zones = b'{"type": "FeatureCollection", "features": []}'
    assert upload(analyst, town_a, "gtfs.zip", gtfs_zip(), kind="gtfs").status_code == 302
    assert upload(analyst, town_a, "z.geojson", zones, kind="zones").status_code == 302
    assert len(imports_of(town_a)) == 2


def test_a_file_over_the_size_limit_is_refused(analyst, town_a, settings):
    # given
    settings.MAX_UPLOAD_BYTES = 20
    # when
    response = upload(analyst, town_a, "counts.csv", COUNTS)
    # then
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert imports_of(town_a) == []


def test_unknown_time_zone_is_refused(analyst, town_a):
    response = upload(analyst, town_a, "counts.csv", COUNTS, time_zone="Mars/Olympus")
    assert response.status_code == 400
    assert "Unknown time zone" in response.content.decode()


def test_a_running_import_polls_with_htmx_and_refreshes_itself_without_javascript(analyst, town_a):
    # given
    with scope(town_a):
        running = DataImportFactory(municipality=town_a, status="running", progress=40)
    # when
    page = analyst.get(detail_url(town_a, running)).content.decode()
    fragment = analyst.get(detail_url(town_a, running), HTTP_HX_REQUEST="true").content.decode()
    # then
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<progress id="import-progress" max="100" value="40">' in page
    assert fragment.startswith('<div id="import-status"')
    assert "<html" not in fragment


def test_only_mobility_analysts_see_the_import_pages(client, staff_client, town_a):
    # anonymous → login
    assert client.get(list_url(town_a)).status_code == 302
    # staff of another role → 403
    officer = staff_client(member(town_a, Role.PERMIT_OFFICER))
    assert officer.get(list_url(town_a)).status_code == 403


def test_another_towns_import_is_not_found(analyst, town_a, town_b):
    with scope(town_b):
        theirs = DataImportFactory(municipality=town_b)
    assert analyst.get(detail_url(town_a, theirs)).status_code == 404


def test_an_excel_unicode_text_export_with_decimal_commas_is_imported_from_the_page(
    transactional_db, analyst, town_a, settings, django_capture_on_commit_callbacks
):
    # given Excel's "Unicode text" (UTF-16, tab-separated) with its own column names,
    # decimal commas and apostrophe thousands
    lines = [
        "Poste\tHorodatage\tVéhicules",
        "A1\t2026-03-17T08:00:00+01:00\t1'200,0",
        "A1\t2026-03-17T09:00:00+01:00\t100,0",
    ]
    content = "\r\n".join(lines).encode("utf-16")
    # when uploaded with the separator, the decimal mark and the columns chosen
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            analyst,
            town_a,
            "comptages.txt",
            content,
            delimiter="\t",
            decimal=",",
            site_column="Poste",
            timestamp_column="Horodatage",
            count_column="Véhicules",
        )
    # then
    assert response.status_code == 302
    [done] = imports_of(town_a)
    assert done.options == {
        "layout": "long",
        "delimiter": "\t",
        "decimal": ",",
        "site": "Poste",
        "timestamp": "Horodatage",
        "count": "Véhicules",
    }
    assert (done.status, done.rows_imported, done.quarantine) == ("done", 2, [])
