"""The applicant's request form: a thin adapter to the input schema the API uses too
(services/request_input.py)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.accounts.models import Organisation
from commune.core.bounds import bounded_formfields

from ..models import PermitRequest
from ..services import coordinates as typed_point
from ..services import request_input
from ..services.geometry import MAX_WIDTH_M, work_areas_json
from ..services.submission import DRAFT_FIELDS
from .corners import corners_read
from .uploads import MultipleFileField

#: The form's names for the schema's fields (services/request_input.py) where they differ.
SCHEMA_NAMES = {"geometry": "work_areas"}
FORM_NAMES = {schema: form for form, schema in SCHEMA_NAMES.items()}


def _reads_only(field: forms.Field) -> None:
    """Let `field` read what the browser sends (a text, a date in the user's format, a ticked
    box) without judging it: the schema does. The browser keeps its hints (required, maxlength,
    min and max)."""
    if field.required:
        field.widget.attrs["required"] = True
    field.required = False
    field.validators = []


class PermitRequestForm(forms.ModelForm):
    """The applicant's request as a web page: who, what, where (GeoJSON that the map fills),
    impact, when. A thin adapter: it reads the browser's input and hands it to the one input
    schema the API uses too (services/request_input.py), which decides what is valid; its
    verdict is in `checked` (a CleanRequest) and its errors on the form's fields."""

    geometry = forms.CharField(
        label=_("Work areas (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "Draw on the map, or paste a GeoJSON polygon or line (WGS84 or Swiss LV95 coordinates)."
        ),
    )
    line_width_m = forms.DecimalField(
        label=_("Trench width for lines (m)"),
        required=False,
        min_value=Decimal(str(request_input.MIN_WIDTH_M)),
        max_value=Decimal(str(MAX_WIDTH_M)),
        decimal_places=2,
    )
    coordinates = forms.CharField(
        label=_("Or type the coordinates of a pit or a trench"),
        required=False,
        max_length=typed_point.MAX_TEXT,
        help_text=_(
            "One point a line, east / north in LV95 (2'539'000 / 1'151'000) or latitude, "
            "longitude (46.51, 6.66). One point: a pit of the size below, centred on it. Two "
            "points or more: a trench along them, of the width above. It is then shown on the "
            "map, where you can adjust it."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
    )
    pit_length_m = forms.DecimalField(
        label=_("Length of the pit, east–west (m)"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(str(MAX_WIDTH_M)),
        decimal_places=2,
        help_text=_("2 m when left empty."),
    )
    pit_width_m = forms.DecimalField(
        label=_("Width of the pit, north–south (m)"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(str(MAX_WIDTH_M)),
        decimal_places=2,
        help_text=_("2 m when left empty."),
    )
    attachments = MultipleFileField(
        label=_("Plans (PDF, PNG or JPEG)"),
        help_text=_("Several files allowed."),
    )
    # The form's own key (a double click is one request); the API sends its Idempotency-Key.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    # The files sent with this form are kept under this token until it is saved.
    upload_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = PermitRequest
        fields = DRAFT_FIELDS  # what an applicant fills in; the service saves the same
        # integer ranges, text lengths and date windows as the browser's hints (min, max,
        # maxlength): the schema holds the same rules and applies them
        formfield_callback = bounded_formfields(
            dates={
                "planned_start": request_input.PLANNED_DATES,
                "planned_end": request_input.PLANNED_DATES,
            }
        )
        widgets = {
            "invoice_address": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "diversion": forms.Textarea(attrs={"rows": 2}),
            "site_manager_phone": forms.TextInput(attrs={"type": "tel"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    #: The fields in the order the applicant fills them: the area (map, GeoJSON, or typed
    #: points), then who, what and when.
    FIRST = ("geometry", "line_width_m", "coordinates", "pit_length_m", "pit_width_m")

    def __init__(self, *args, municipality, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        # The corners typed in the list under the map (forms/corners.py) move the areas first.
        self.corner_errors: list[str] = []
        if self.is_bound:
            moved, self.corner_errors = corners_read(self.data, name=self.add_prefix("geometry"))
            if moved is not None:
                self.data = self.data.copy()
                self.data[self.add_prefix("geometry")] = moved
        organisations = list(Organisation.objects.filter(members=user).order_by("name"))
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(members=user)
        field.required = False
        field.empty_label = _("— in my own name —")
        # Each organisation's invoicing address, for the page to fill in when one is chosen.
        field.widget.attrs["data-invoice-addresses"] = json.dumps(
            {str(o.pk): o.invoice_address for o in organisations}
        )
        if self.instance.pk is None and len(organisations) == 1 and not self.is_bound:
            # One organisation: the request is most likely its own, billed to it.
            self.initial.setdefault("organisation", organisations[0].pk)
            self.initial.setdefault("invoice_address", organisations[0].invoice_address)
        self.order_fields([*self.FIRST, *(n for n in self.fields if n not in self.FIRST)])
        for name, field in self.fields.items():
            if name in self.schema_fields():
                _reads_only(field)
        self.checked: request_input.CleanRequest | None = None

    @staticmethod
    def schema_fields() -> list[str]:
        names = [n for n in request_input.PermitRequestIn.model_fields if n not in FORM_NAMES]
        return [*names, *SCHEMA_NAMES]

    def _schema_data(self) -> dict:
        """What the browser sent, as the schema names it: empty inputs left out (the schema
        says whether they are required), the map's GeoJSON parsed."""
        data = {}
        for name in self.schema_fields():
            value = self.cleaned_data.get(name)
            if name == "geometry":
                value = self._with_point(value)
            if name in self._errors or value in (None, ""):
                continue
            if name == "geometry":
                try:
                    value = work_areas_json(value)
                except ValidationError as exc:
                    self.add_error(name, exc)
                    continue
            data[SCHEMA_NAMES.get(name, name)] = value
        return data

    def _with_point(self, areas: str | None) -> str | None:
        """The areas, plus the pit or trench drawn by the typed points (if any). The page is
        given the result, so that it shows on the map (and is not added twice)."""
        text = (self.cleaned_data.get("coordinates") or "").strip()
        sizes = ("coordinates", "pit_length_m", "pit_width_m", "line_width_m")
        if not text or any(name in self._errors for name in sizes):
            return areas
        side = typed_point.SQUARE_SIDE_M
        trench = self.cleaned_data.get("line_width_m")
        try:
            drawn = typed_point.typed_area_in(
                text,
                territory=self.municipality.territory,
                length_m=float(self.cleaned_data.get("pit_length_m") or side),
                width_m=float(self.cleaned_data.get("pit_width_m") or side),
                trench_width_m=float(trench) if trench else None,
            )
        except ValidationError as exc:
            self.add_error("coordinates", exc)
            return areas
        properties = {"width": float(trench)} if drawn.geom_type == "LineString" else {}
        feature = {
            "type": "Feature",
            "properties": properties,
            "geometry": json.loads(drawn.transform(4326, clone=True).json),
        }
        collection = {"type": "FeatureCollection", "features": [feature]}
        if areas:
            try:
                before = work_areas_json(areas)
            except ValidationError:
                return areas  # the areas' own error is said; the point waits for a valid text
            if isinstance(before, dict) and before.get("type") == "FeatureCollection":
                collection["features"] = [*(before.get("features") or []), feature]
            elif isinstance(before, dict) and before.get("type") == "Feature":
                collection["features"] = [before, feature]
            elif isinstance(before, dict):
                collection["features"] = [{"type": "Feature", "properties": {}, "geometry": before}]
                collection["features"].append(feature)
        combined = json.dumps(collection)
        self.data = self.data.copy()
        self.data[self.add_prefix("geometry")] = combined
        self.data[self.add_prefix("coordinates")] = ""
        self.cleaned_data["geometry"] = combined
        return combined

    def clean(self):
        cleaned = super().clean()
        for error in self.corner_errors:
            self.add_error("geometry", error)
        data = self._schema_data()
        try:
            request = request_input.permit_request_read(data)
            self.checked = request_input.permit_request_clean(
                municipality=self.municipality,
                request=request,
                organisation=cleaned.get("organisation"),
            )
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                field = FORM_NAMES.get(name, name)
                if field not in self._errors:
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned

    def _post_clean(self):
        # No instance is built: the submission services save what the schema checked.
        pass
