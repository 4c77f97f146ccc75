"""validate_upload(): the real type from the content, a specific message; UploadLimitHandler:
a 200 MB upload is refused with both figures and never written to disk whole."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from commune.core.uploads import file_size, upload_sniff, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><circle r='4'/></svg>"


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stops.txt", "stop_id,stop_name\n1,Gare\n")
    return buffer.getvalue()


def upload(content: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(content: bytes, allowed: set[str], **kwargs) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_upload(upload(content, "plan.pdf"), allowed=allowed, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (SVG, "svg"),
        (a_zip(), "zip"),
        (b"site;time;count\n1;2024-01-01T00:00;4\n", "csv"),
        (b'{"type": "FeatureCollection", "features": []}', "geojson"),
        (b'{"type": "Point", "coordinates": [0, 0]}', "json"),
        (b"just some words\n", "text"),
        (b"<html><body>hello</body></html>", "markup"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "exe"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif"),
    ],
)
def test_the_kind_is_read_from_the_content(content, kind):
    assert upload_sniff(upload(content, "misleading.pdf")) == kind


def test_an_allowed_file_passes_and_its_kind_is_returned():
    assert validate_upload(upload(PDF), allowed={"pdf", "png"}) == "pdf"
    assert validate_upload(upload(a_zip()), allowed={"zip"}) == "zip"


def test_a_zip_named_pdf_is_refused_saying_what_it_is():
    error = refusal(a_zip(), {"pdf"})
    assert error.code == "type"
    assert error.messages == ["This file is a ZIP archive, not a PDF."]


def test_the_expected_kinds_are_listed_in_a_fixed_order():
    error = refusal(b"MZ\x90\x00 an executable", {"jpeg", "pdf", "png"})
    assert error.messages == ["This file is a program, not a PDF, a PNG image or a JPEG image."]


def test_a_broken_zip_and_unknown_binaries_are_not_recognised():
    error = refusal(b"PK\x03\x04" + b"\x00\x01" * 40, {"zip"})
    assert error.code == "type"
    assert "could not be recognised" in error.messages[0]


def test_an_oversized_file_gives_its_size_and_the_limit():
    error = refusal(PDF + b"0" * (3 * 1024**2), {"pdf"}, max_bytes=2 * 1024**2)
    assert error.code == "size"
    assert error.messages == ["The file is 3 MB; the limit is 2 MB."]


def test_the_default_limit_is_the_setting(settings):
    settings.MAX_UPLOAD_BYTES = 10
    assert refusal(PDF, {"pdf"}).code == "size"


def test_an_empty_file_is_refused():
    assert refusal(b"", {"pdf"}).code == "empty"


def test_an_svg_is_refused_where_a_picture_is_expected():
    error = refusal(SVG, {"png", "jpeg"})
    assert error.code == "type"
    assert error.messages == ["This file is an SVG image, not a PNG image or a JPEG image."]


@pytest.mark.parametrize("kind", ["svg", "markup", "exe"])
def test_no_caller_may_accept_svg_markup_or_programs(kind):
    # An SVG or HTML file carries scripts into the page of whoever opens it: asking for one
    # is a programming error, not a choice a form can make.
    with pytest.raises(ValueError, match="never accepted"):
        validate_upload(upload(SVG), allowed={"png", kind})


def test_json_that_is_not_geojson_is_named_as_such():
    error = refusal(b'{"type": "Point"}', {"geojson"})
    assert error.messages == ["This file is a JSON file, not a GeoJSON file."]


def test_sizes_are_written_for_people_in_the_users_language():
    with translation.override("fr"):
        assert file_size(1536 * 1024) == "1,5 Mo"
    with translation.override("en"):
        assert file_size(200 * 1024**2) == "200 MB"
        assert file_size(12_000) == "12 KB"


# --- a real 200 MB request body, generated as it is read -------------------------------------

MB = 1024 * 1024


class MultipartBody(io.RawIOBase):
    """A multipart/form-data body with one file of `size` bytes (a PDF header then zeros),
    produced while Django reads it: never more than one read's worth in memory. At each read
    it notes how many bytes the upload folder holds, to see what reached the disk."""

    def __init__(self, *, boundary: str, size: int, watch: Path):
        self.head = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="files"; filename="plan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode() + PDF
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size - len(PDF) + len(self.tail)
        self.position = 0
        self.watch = watch
        self.most_on_disk = 0

    def readable(self):
        return True

    def _byte_range(self, start: int, end: int) -> bytes:
        body_end = len(self.head) + self.size - len(PDF)
        parts = []
        if start < len(self.head):
            parts.append(self.head[start : min(end, len(self.head))])
        zeros = max(0, min(end, body_end) - max(start, len(self.head)))
        parts.append(b"0" * zeros)
        if end > body_end:
            parts.append(self.tail[max(0, start - body_end) : end - body_end])
        return b"".join(parts)

    def read(self, n=-1):
        on_disk = sum(f.stat().st_size for f in self.watch.iterdir() if f.is_file())
        self.most_on_disk = max(self.most_on_disk, on_disk)
        if n is None or n < 0:
            n = self.length - self.position
        n = min(n, self.length - self.position)
        chunk = self._byte_range(self.position, self.position + n)
        self.position += n
        return chunk


def media_files(settings) -> set[str]:
    """The permits' stored files (attachments and pending uploads): the other test process
    shares the media folder and may store an agenda venue's photo meanwhile."""
    return {
        os.path.join(folder, name)
        for folder, _subfolders, names in os.walk(os.path.join(settings.MEDIA_ROOT, "permits"))
        for name in names
    }


def test_a_200_mb_upload_is_refused_with_the_limit_and_never_stored_whole(
    client, town_a, settings, tmp_path
):
    from commune.accounts.tests.factories import UserFactory
    from commune.permits.models import Attachment
    from commune.permits.tests.factories import PermitRequestFactory
    from commune.tenants.scoping import scope

    # given: a submitted request, uploads limited to 20 MB, a folder for temporary uploads
    settings.MAX_UPLOAD_BYTES = 20 * MB
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    town = town_a
    applicant = UserFactory(language="en")
    with scope(town):
        permit = PermitRequestFactory(municipality=town, applicant=applicant, status="submitted")
    client.force_login(applicant)
    media_before = media_files(settings)
    boundary = "commune-test-boundary"
    body = MultipartBody(boundary=boundary, size=200 * MB, watch=tmp_path)
    # when
    response = client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=f"/pully/permits/{permit.pk}/supplement/",
        CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )
    # then: the whole body was read, at most the limit (plus one chunk) ever reached the disk
    assert response.status_code == 302
    assert body.position == body.length
    assert body.most_on_disk <= 20 * MB + 64 * 1024
    assert list(tmp_path.iterdir()) == []
    # and: the applicant reads the real size and the limit; nothing was saved
    page = client.get(response["Location"])
    shown = [str(m) for m in page.context["messages"]]
    assert any("plan.pdf" in m and "200" in m and "20" in m for m in shown), shown
    with scope(town):
        assert not Attachment.objects.filter(permit=permit).exists()
    assert media_files(settings) == media_before
