from __future__ import annotations

import json
import uuid
import zipfile
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import DataImport

Kind = DataImport.Kind
CSV_KINDS = {Kind.COUNTS, Kind.SITES, Kind.NETWORK_PRESENCE, Kind.NETWORK_OD}
BINARY_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"%PDF", b"PAR1", b"\xd0\xcf\x11\xe0", b"\x89PNG")
SNIFF_BYTES = 64 * 1024


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _looks_like_csv(upload) -> bool:
    head = _head(upload)
    if not head.strip() or head.startswith(BINARY_MAGIC) or b"\x00" in head:
        return False
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                return False
        else:
            text = head[: exc.start].decode("utf-8-sig")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    return any(sep in first_line for sep in (",", ";", "\t", "|"))


def _looks_like_zip(upload) -> bool:
    if not _head(upload).startswith(b"PK\x03\x04"):
        return False
    upload.seek(0)
    try:
        ok = zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)
    return ok


def _looks_like_geojson(upload) -> bool:
    upload.seek(0)
    try:
        data = json.load(upload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    finally:
        upload.seek(0)
    return isinstance(data, dict) and data.get("type") in {"FeatureCollection", "Feature"}


class ImportUploadForm(forms.Form):
    """A data file for the warehouse: its type is checked from its content, not its name."""

    kind = forms.ChoiceField(label=_("Kind of data"), choices=Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV for counts and mobile-network data, GeoJSON for zones, ZIP for GTFS."),
    )
    time_zone = forms.CharField(
        label=_("Time zone of local times"),
        initial="Europe/Zurich",
        max_length=64,
        help_text=_("Used for times written without a UTC offset."),
    )
    layout = forms.ChoiceField(
        label=_("Layout of a counts file"),
        required=False,
        choices=[
            ("long", _("One row per site and hour")),
            ("wide", _("One column per site")),
        ],
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
                }
            )
        return upload

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone, e.g. Europe/Zurich.")) from None
        return name

    def clean(self):
        cleaned = super().clean()
        kind, upload = cleaned.get("kind"), cleaned.get("file")
        if not kind or upload is None:
            return cleaned
        if kind in CSV_KINDS and not _looks_like_csv(upload):
            self.add_error("file", _("This is not a CSV text file."))
        elif kind == Kind.GTFS and not _looks_like_zip(upload):
            self.add_error("file", _("A GTFS timetable is a ZIP archive; this file is not one."))
        elif kind == Kind.ZONES and not _looks_like_geojson(upload):
            self.add_error("file", _("Zones must be a GeoJSON FeatureCollection."))
        return cleaned

    def reading_options(self) -> dict:
        layout = self.cleaned_data.get("layout")
        if self.cleaned_data["kind"] == Kind.COUNTS and layout:
            return {"layout": layout}
        return {}
