from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import BoundedDateField, DateWindow
from commune.core.uploads import validate_upload

from .models import DataImport

Kind = DataImport.Kind
CSV_KINDS = {Kind.COUNTS, Kind.SITES, Kind.NETWORK_PRESENCE, Kind.NETWORK_OD}
#: The kind of file (commune.core.uploads) each kind of data must be.
FILE_KIND = {**dict.fromkeys(CSV_KINDS, "csv"), Kind.GTFS: "zip", Kind.ZONES: "geojson"}
#: The counts importer's options (analytics.ingest.counts.CountsOptions) and their fields.
COUNTS_OPTIONS = {
    "layout": "layout",
    "delimiter": "delimiter",
    "decimal": "decimal",
    "site": "site_column",
    "timestamp": "timestamp_column",
    "count": "count_column",
}
TYPE_MESSAGES = {
    "csv": _("This is not a CSV text file."),
    "zip": _("A GTFS timetable is a ZIP archive; this file is not one."),
    "geojson": _("Zones must be a GeoJSON FeatureCollection."),
}


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
    delimiter = forms.ChoiceField(
        label=_("Column separator of a counts file"),
        required=False,
        choices=[
            ("", _("Detect it")),
            (";", _("Semicolon ;")),
            (",", _("Comma ,")),
            ("\t", _("Tab (Excel's Unicode text)")),
        ],
    )
    decimal = forms.ChoiceField(
        label=_("Decimal mark of the counts"),
        required=False,
        choices=[(".", _("Point: 100.5")), (",", _("Comma: 100,5"))],
        help_text=_("Thousands written 1'200 or 1 200 are read either way."),
    )
    site_column = forms.CharField(
        label=_("Column of the site id"), required=False, max_length=100, initial=""
    )
    timestamp_column = forms.CharField(
        label=_("Column of the date and time"), required=False, max_length=100
    )
    count_column = forms.CharField(label=_("Column of the count"), required=False, max_length=100)
    service_date = BoundedDateField(
        label=_("Service date of a timetable (GTFS)"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        # old timetables are studied too (the tests read a 2014 feed)
        window=DateWindow(years_before=50, years_after=10),
        help_text=_(
            "The day whose departures are stored. Empty: today if the timetable runs today, "
            "otherwise its first Tuesday."
        ),
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
        expected = FILE_KIND.get(kind)
        if expected is None:
            return cleaned
        try:
            validate_upload(upload, allowed={expected})
        except forms.ValidationError as exc:
            self.add_error("file", [TYPE_MESSAGES[expected], *exc.messages])
        return cleaned

    def reading_options(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == Kind.COUNTS:
            options = {
                name: data.get(field, "").strip() if field.endswith("_column") else data.get(field)
                for name, field in COUNTS_OPTIONS.items()
            }
            return {name: value for name, value in options.items() if value and value != "."}
        service_date = self.cleaned_data.get("service_date")
        if self.cleaned_data["kind"] == Kind.GTFS and service_date:
            return {"service_date": service_date.isoformat()}
        return {}


class UploadStartForm(forms.Form):
    """The start of a file sent in chunks by the import page's uploader (static/mobility/
    upload.js): its name and size, and the kind and time zone chosen with it."""

    name = forms.CharField(max_length=300)
    size = forms.IntegerField(min_value=1, max_value=2**62)
    kind = forms.ChoiceField(choices=Kind.choices)
    time_zone = forms.CharField(max_length=64, initial="Europe/Zurich")

    def clean_time_zone(self):
        return ImportUploadForm.clean_time_zone(self)


#: The importer's columns a preview maps (analytics.ingest.preview.FIELDS) and their labels.
MAPPED = {
    "site": _("Site"),
    "timestamp": _("Date and time"),
    "count": _("Count"),
    "direction": _("Direction"),
    "mode": _("Mode (car, bicycle…)"),
    "lane": _("Lane"),
}
REQUIRED_MAPPED = ("site", "timestamp", "count")


class PreviewForm(forms.Form):
    """How to read an uploaded counts file: separator, decimal mark and which of its columns
    holds what the importer needs, preselected from what was detected."""

    delimiter = forms.ChoiceField(
        label=_("Column separator"),
        choices=[
            (";", _("Semicolon ;")),
            (",", _("Comma ,")),
            ("\t", _("Tab (Excel's Unicode text)")),
            ("|", _("Vertical bar |")),
        ],
    )
    decimal = forms.ChoiceField(
        label=_("Decimal mark"),
        choices=[(".", _("Point: 100.5")), (",", _("Comma: 100,5"))],
    )
    time_zone = forms.CharField(
        label=_("Time zone of local times"), max_length=64, initial="Europe/Zurich"
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(none)")), *[(c, c) for c in columns]]
        for name, label in MAPPED.items():
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def clean_delimiter(self):
        value = self.cleaned_data["delimiter"]
        return "\t" if value == "\\t" else value

    def clean_time_zone(self):
        return ImportUploadForm.clean_time_zone(self)

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"map_{name}") or "" for name in MAPPED}

    def mapping_fields(self):
        return [self[f"map_{name}"] for name in MAPPED]

    def settings_fields(self):
        return [self["delimiter"], self["decimal"], self["time_zone"]]

    def check_complete(self) -> bool:
        """The columns the importer cannot do without are mapped (errors added if not)."""
        for name in REQUIRED_MAPPED:
            if not self.cleaned_data.get(f"map_{name}"):
                self.add_error(f"map_{name}", _("Choose the column that holds this."))
        return not self.errors
