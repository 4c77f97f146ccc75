"""Files people upload (permit plans, import files, logos) are private: nothing serves
MEDIA_ROOT by its path. Each file leaves through a view that has checked who is asking, and
that view answers with private_file_response():

    return private_file_response(attachment.file, filename=attachment.name,
                                 content_type=attachment.mime_type)

The response never lets the file act as a page of our site: it is a download unless it is a
PNG or JPEG shown inline, its type is never sniffed, and a sandboxing CSP forbids scripts,
forms and same-origin access even if a browser were to render it.

Who sends the bytes depends on settings.PRIVATE_FILES_SERVER:
  "django"   Django streams the file (development, tests, small installations);
  "nginx"    an empty answer with X-Accel-Redirect: PRIVATE_FILES_INTERNAL_URL + the file's
             name; nginx (or Caddy) serves it from an `internal` location (docs/security.md);
  "sendfile" an empty answer with X-Sendfile: the file's absolute path, URL-encoded (Apache
             mod_xsendfile).
Both headers are percent-encoded: a file name with accents stays a valid header.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

#: What a private file's answer carries, whoever sends the bytes.
SANDBOX_CSP = "sandbox; default-src 'none'"
#: Types a browser may show inline: pictures, which cannot run anything. A PDF is a download:
#: Chromium refuses to render a PDF under a sandboxing CSP, and its viewer runs scripts.
INLINE_TYPES = frozenset({"image/png", "image/jpeg"})
#: Types sent as they are; anything else goes out as application/octet-stream.
KNOWN_TYPES = INLINE_TYPES | {
    "application/pdf",
    "application/zip",
    "application/json",
    "application/geo+json",
    "text/csv",
    "text/plain",
}
SERVERS = ("django", "nginx", "sendfile")


class PrivateFileSystemStorage(FileSystemStorage):
    """MEDIA_ROOT without a public address: url() raises, so that no template, admin page or
    API can link a private file by its path. Files leave through private_file_response()."""

    def url(self, name):
        raise ValueError(
            f"{name}: private files have no public address; serve them from a view that checks "
            "access, with commune.core.files.private_file_response()."
        )


def _file_headers(response, *, filename: str, content_type: str, inline: bool, cache: str):
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = cache
    return response


def _handed_to_proxy(fieldfile, server: str) -> HttpResponse:
    response = HttpResponse()
    if server == "nginx":
        prefix = settings.PRIVATE_FILES_INTERNAL_URL
        if not prefix.startswith("/") or not prefix.endswith("/"):
            raise ImproperlyConfigured("PRIVATE_FILES_INTERNAL_URL must start and end with /.")
        response["X-Accel-Redirect"] = prefix + quote(fieldfile.name)
    else:  # Apache's mod_xsendfile URL-decodes the path (XSendFileUnescape, on by default)
        response["X-Sendfile"] = quote(fieldfile.path)
    return response


def private_file_response(
    fieldfile,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    cache: str = "private, no-store",
):
    """The answer that hands `fieldfile` to someone the calling view has already allowed.

    `inline` is honoured for PNG and JPEG only; every other file is a download. An unknown
    `content_type` is sent as application/octet-stream. A file missing from the disk is a 404,
    never a 500. The caller's access check is the only gate: call this after it."""
    server = settings.PRIVATE_FILES_SERVER
    if server not in SERVERS:
        raise ImproperlyConfigured(f"PRIVATE_FILES_SERVER must be one of {SERVERS}.")
    if not fieldfile or not fieldfile.storage.exists(fieldfile.name):
        raise Http404
    if content_type not in KNOWN_TYPES:
        content_type = "application/octet-stream"
    inline = inline and content_type in INLINE_TYPES
    if server == "django":
        response = FileResponse(fieldfile.open("rb"))
    else:
        response = _handed_to_proxy(fieldfile, server)
    return _file_headers(
        response, filename=filename, content_type=content_type, inline=inline, cache=cache
    )
