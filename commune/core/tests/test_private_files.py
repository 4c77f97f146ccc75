"""Uploaded files are private: no URL serves MEDIA_ROOT by path (not even under DEBUG, the
demo's setting), the storage refuses to make a public address, and the access-checked views
answer through private_file_response(): a download or a picture, never a page of our site."""

from __future__ import annotations

import importlib
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches

from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.core.files import SANDBOX_CSP
from commune.mobility.models import DataImport
from commune.permits.models import Attachment, PermitRequest
from commune.permits.tests.factories import PermitRequestFactory
from commune.tenants.scoping import scope

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def debug_urls(settings):
    """The URLs as the demo (./run, DEBUG=1) builds them."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def plan(in_town) -> Attachment:
    permit = PermitRequestFactory(municipality=in_town, status=PermitRequest.Status.IN_REVIEW)
    attachment = Attachment(
        municipality=in_town,
        permit=permit,
        name="plan.pdf",
        mime_type="application/pdf",
        size=15,
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def import_file(in_town) -> DataImport:
    data_import = DataImport(
        municipality=in_town, kind=DataImport.Kind.COUNTS, source_name="counts.csv"
    )
    data_import.file.save("counts.csv", ContentFile(b"site;time;count\n1;2026;3\n"), save=False)
    data_import.save()
    return data_import


@pytest.fixture
def officer(in_town):
    user = UserFactory(kind="staff")
    Membership.objects.create(municipality=in_town, user=user, role=Role.PERMIT_OFFICER)
    return user


def test_the_old_media_address_of_a_plan_and_an_import_file_is_404_for_anyone(
    debug_urls, client, staff_client, plan, import_file, officer
):
    # given a permit plan and a mobility import file on the disk, under MEDIA_ROOT
    paths = [f"/media/{plan.file.name}", f"/media/{import_file.file.name}"]
    assert all(default_storage.exists(p.removeprefix("/media/")) for p in paths)

    # then their path under /media/ serves nothing, to a stranger, the applicant or the officer
    for path in paths:
        assert client.get(path).status_code == 404
    client.force_login(plan.permit.applicant)
    for path in paths:
        assert client.get(path).status_code == 404
    staff = staff_client(officer)
    for path in paths:
        assert staff.get(path).status_code == 404


def test_a_private_file_has_no_public_address(plan):
    # A template, admin page or API that tried to link a file by its path fails loudly.
    with pytest.raises(ValueError, match="private files have no public address"):
        plan.file.url  # noqa: B018


def test_the_access_checked_view_serves_the_plan_as_a_download_in_a_sandbox(client, plan):
    # given the applicant
    client.force_login(plan.permit.applicant)

    # when they open their plan
    response = client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/")

    # then it is a download (a PDF is never rendered as part of our site) with safe headers
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_stored_html_file_is_never_served_as_html(client, plan):
    # given an attachment whose content and recorded type are HTML (as a file stored before
    # the content checks, or restored from an old backup, could be)
    with scope(plan.municipality):
        plan.file.save("page.html", ContentFile(HTML), save=False)
        plan.name, plan.mime_type = "page.html", "text/html"
        plan.save()
    client.force_login(plan.permit.applicant)

    # when it is opened
    response = client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/")

    # then it is an opaque download that no browser runs
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == SANDBOX_CSP


def test_a_photo_is_shown_inline_in_a_sandbox(client, plan):
    with scope(plan.municipality):
        plan.name, plan.mime_type = "photo.jpg", "image/jpeg"
        plan.save()
    client.force_login(plan.permit.applicant)
    response = client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/")
    assert response["Content-Disposition"] == 'inline; filename="photo.jpg"'
    assert response["Content-Security-Policy"] == SANDBOX_CSP


def test_a_file_missing_from_the_disk_is_a_404_not_a_500(client, plan):
    default_storage.delete(plan.file.name)
    client.force_login(plan.permit.applicant)
    assert client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/").status_code == 404


def test_behind_nginx_the_view_hands_the_file_over_with_x_accel_redirect(client, plan, settings):
    # given production behind nginx
    settings.PRIVATE_FILES_SERVER = "nginx"
    settings.PRIVATE_FILES_INTERNAL_URL = "/internal-media/"
    with scope(plan.municipality):
        plan.name = "Plan d'été 2026.pdf"
        plan.file.save("Plan d'été 2026.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        plan.save()
    client.force_login(plan.permit.applicant)

    # when the applicant opens the plan
    response = client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/")

    # then Django sends no bytes: nginx serves the internal location, with our headers
    assert response.status_code == 200
    assert response["X-Accel-Redirect"].isascii()
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/internal-media/{quote(plan.file.name)}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Plan%20d%27%C3%A9t%C3%A9%202026.pdf"
    )
    assert response["Content-Security-Policy"] == SANDBOX_CSP


def test_behind_nginx_a_refused_person_gets_no_redirect_header(client, plan, settings):
    settings.PRIVATE_FILES_SERVER = "nginx"
    client.force_login(UserFactory())
    response = client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/")
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_behind_apache_the_view_answers_x_sendfile_with_the_files_path(client, plan, settings):
    # given a plan stored under a name with accents
    settings.PRIVATE_FILES_SERVER = "sendfile"
    with scope(plan.municipality):
        plan.file.save("plan d'été.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        plan.save()
    client.force_login(plan.permit.applicant)

    # when the applicant opens it
    response = client.get(f"/pully/permits/{plan.permit_id}/files/{plan.pk}/")

    # then the header is plain ASCII and names the real file, for Apache to send
    assert response.content == b""
    header = response["X-Sendfile"]
    assert header.isascii()
    path = Path(unquote(header))
    assert path.is_absolute() and path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes() == b"%PDF-1.4\n%%EOF\n"


def test_the_platform_admin_pages_do_not_link_private_files(staff_client, import_file):
    # given a platform administrator (second factor passed)
    admin = UserFactory(kind="staff", is_staff=True, is_superuser=True)

    # when they open an import in the platform admin
    response = staff_client(admin).get(f"/admin/mobility/dataimport/{import_file.pk}/change/")

    # then the page works and links no file by its path
    assert response.status_code == 200
    assert "counts.csv" in response.content.decode()
    assert import_file.file.name not in response.content.decode()
