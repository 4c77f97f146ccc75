"""One check for every uploaded file: its real type is read from its content (never from its
name or the browser's word), its size is limited, and a refusal says precisely why.

    kind = validate_upload(upload, allowed={"pdf", "png", "jpeg"})   # -> "pdf"

Kinds: "pdf", "png", "jpeg", "gif", "svg", "zip", "csv", "geojson", "json", "text", "markup"
(HTML or XML other than SVG), "exe", or the extension `filetype` gives for other binaries.

UploadLimitHandler (first in settings.FILE_UPLOAD_HANDLERS) stops storing a file as soon as it
passes MAX_UPLOAD_BYTES: the form then receives a TooLargeUpload that validate_upload()
refuses with the real size and the limit, instead of Django writing 200 MB to disk first.
"""

from __future__ import annotations

import codecs
import io
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from lxml import etree

from untrusted.delimiters import is_delimited

from .bounds import json_loads_bounded

SNIFF_BYTES = 64 * 1024
SVG_NS = "{http://www.w3.org/2000/svg}"
#: Kinds that can carry a script into the page of whoever opens them: never accepted, whatever
#: a caller asks (an SVG blocklist always misses one; see docs/security.md).
NEVER_ACCEPTED = frozenset({"svg", "markup", "exe"})
_TEXT_PREFIX = b"\xef\xbb\xbf \r\n\t"

#: MIME type of each kind that has one (what an Attachment stores).
MIME = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "svg": "image/svg+xml",
    "zip": "application/zip",
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "json": "application/json",
    "text": "text/plain",
}
_KIND_OF_MIME = {mime: kind for kind, mime in MIME.items()}
_KIND_OF_MIME["application/x-msdownload"] = "exe"

#: How a kind is named in a message, in a fixed order (the order of "expected" lists).
LABELS = {
    "pdf": gettext_lazy("a PDF"),
    "png": gettext_lazy("a PNG image"),
    "jpeg": gettext_lazy("a JPEG image"),
    "svg": gettext_lazy("an SVG image"),
    "gif": gettext_lazy("a GIF image"),
    "csv": gettext_lazy("a CSV file"),
    "geojson": gettext_lazy("a GeoJSON file"),
    "zip": gettext_lazy("a ZIP archive"),
    "json": gettext_lazy("a JSON file"),
    "text": gettext_lazy("a text file"),
    "markup": gettext_lazy("an HTML or XML document"),
    "exe": gettext_lazy("a program"),
}


def _label(kind: str) -> str:
    if kind in LABELS:
        return str(LABELS[kind])
    return _("a %(format)s file") % {"format": kind.upper()}


def _expected(allowed: set[str]) -> str:
    order = list(LABELS)
    labels = [_label(k) for k in sorted(allowed, key=lambda k: (order.index(k), k))]
    if len(labels) == 1:
        return labels[0]
    return _("%(list)s or %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def file_size(n: int) -> str:
    """A size for people: "200 MB", "1.5 MB", "12 KB" (units are binary, decimals localised)."""
    for unit, factor in ((_("%(n)s MB"), 1024**2), (_("%(n)s KB"), 1024)):
        if n >= factor:
            value = round(n / factor, 1)
            decimals = 0 if value >= 10 or value == int(value) else 1
            return unit % {"n": number_format(round(value, decimals), decimals)}
    return ngettext("%(n)s byte", "%(n)s bytes", n) % {"n": n}


def _read(upload, size: int | None = None) -> bytes:
    upload.seek(0)
    try:
        return upload.read() if size is None else upload.read(size)
    finally:
        upload.seek(0)


def _xml_root(content: bytes):
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(content, parser)  # noqa: S320 - entities and network are off
    except etree.XMLSyntaxError:
        return None


def _looks_like_csv(head: bytes) -> bool:
    """Text (UTF-8, Windows-1252, or UTF-16 with its BOM as Excel's "Unicode text") whose first
    line has a separator."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        lines = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").splitlines()
        return bool(lines) and is_delimited(lines[0])
    if b"\x00" in head or head.lstrip(_TEXT_PREFIX)[:1] in (b"{", b"["):
        return False
    text = _decode(head)
    if text is None:
        return False
    lines = text.splitlines()
    return bool(lines) and is_delimited(lines[0])


def _decode(head: bytes) -> str | None:
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # only a character cut at the end of the sample
            return head[: exc.start].decode("utf-8-sig")
        try:
            return head.decode("cp1252")
        except UnicodeDecodeError:
            return None


def _sniff_text(upload, head: bytes) -> str | None:
    start = head.lstrip(_TEXT_PREFIX)[:1]
    if start == b"<":
        content = _read(upload)
        root = _xml_root(content)
        if root is not None and root.tag == f"{SVG_NS}svg":
            return "svg"
        return "markup"
    if start in (b"{", b"["):
        try:
            data = json_loads_bounded(_read(upload).decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return "text" if _decode(head) is not None and b"\x00" not in head else None
        if isinstance(data, dict) and data.get("type") in {"FeatureCollection", "Feature"}:
            return "geojson"
        return "json"
    if _looks_like_csv(head):
        return "csv"
    if b"\x00" not in head and _decode(head) is not None:
        return "text"
    return None


def upload_sniff(upload) -> str | None:
    """The kind of file `upload` really is, from its content; None when unrecognised."""
    head = _read(upload, SNIFF_BYTES)
    guess = filetype.guess(head)
    if guess is not None:
        kind = _KIND_OF_MIME.get(guess.mime, guess.extension)
        if kind == "zip" and not zipfile.is_zipfile(upload):
            upload.seek(0)
            return None
        upload.seek(0)
        return kind
    if not head:
        return None
    return _sniff_text(upload, head)


def validate_upload(upload, *, allowed: set[str], max_bytes: int | None = None) -> str:
    """The kind of `upload` (one of `allowed`), or ValidationError with code "size", "empty"
    or "type" and a message saying what the file is. SVG, HTML/XML and programs are never
    accepted: asking for them is a programming error."""
    if allowed & NEVER_ACCEPTED:
        raise ValueError(f"never accepted as uploads: {sorted(allowed & NEVER_ACCEPTED)}")
    limit = settings.MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": file_size(upload.size), "limit": file_size(limit)},
            code="size",
            params={"size": upload.size, "limit": limit},
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="empty")
    kind = upload_sniff(upload)
    if kind is None:
        raise ValidationError(
            _("The type of this file could not be recognised; expected %(expected)s.")
            % {"expected": _expected(allowed)},
            code="type",
            params={"found": None},
        )
    if kind not in allowed:
        raise ValidationError(
            _("This file is %(found)s, not %(expected)s.")
            % {"found": _label(kind), "expected": _expected(allowed)},
            code="type",
            params={"found": kind},
        )
    return kind


class TooLargeUpload(UploadedFile):
    """Stands in for a file that UploadLimitHandler stopped storing: no content, the size
    that was sent, so that validate_upload() refuses it with both figures."""

    too_large = True

    def __init__(self, *, name, content_type, size, charset):
        super().__init__(io.BytesIO(b""), name, content_type, size, charset)


class UploadLimitHandler(FileUploadHandler):
    """First upload handler: passes each file's bytes on to Django's memory and disk handlers
    until the file exceeds MAX_UPLOAD_BYTES, then discards what they stored, counts the rest
    without keeping it, and returns a TooLargeUpload. request.uploads_too_large lists
    (field name, file name, size) of every file it stopped."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.MAX_UPLOAD_BYTES
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= self.limit:
            return raw_data
        if not self.too_large:
            self.too_large = True
            self._discard_partial_files()
        return None

    def _discard_partial_files(self) -> None:
        for handler in getattr(self.request, "upload_handlers", []):
            partial = getattr(handler, "file", None)
            if handler is not self and partial is not None:
                partial.close()  # a temporary file is deleted on close

    def file_complete(self, file_size):
        if not self.too_large:
            return None
        if self.request is not None:
            stopped = getattr(self.request, "uploads_too_large", [])
            stopped.append((self.field_name, self.file_name, self.received))
            self.request.uploads_too_large = stopped
        return TooLargeUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
        )
