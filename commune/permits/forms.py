"""Forms: they parse and check input, then views hand the cleaned data to one service."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.accounts.models import Organisation
from commune.core.bounds import BoundedDateField, DateWindow, bounded_formfields
from commune.tenants.models import Department

from .models import Inspection, PermitRequest, ReviewTask, StandardCondition
from .services import coordinates as typed_point
from .services import request_input
from .services.attachments import attachment_check
from .services.geometry import MAX_WIDTH_M, work_areas_json
from .services.submission import DRAFT_FIELDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        checked, errors = [], []
        for upload in files:
            try:
                checked.append((upload, attachment_check(upload)))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return checked


#: Defects are fixed within months; two years is generous.
REPAIR_DATES = DateWindow(years_before=0, years_after=2)
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
        label=_("Or give a point's coordinates"),
        required=False,
        max_length=typed_point.MAX_LENGTH,
        help_text=_(
            "East / north in LV95 (2'539'000 / 1'151'000) or latitude, longitude (46.51, 6.66): "
            "a 2 × 2 m area is placed there, which you can then adjust."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
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

    #: The fields in the order the applicant fills them: the area (map, GeoJSON, or a point),
    #: then who, what and when.
    FIRST = ("geometry", "line_width_m", "coordinates")

    def __init__(self, *args, municipality, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
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
        """The areas, plus the square placed at the typed coordinates (if any). The page is
        given the result, so that the square shows on the map (and is not added twice)."""
        text = (self.cleaned_data.get("coordinates") or "").strip()
        if not text or "coordinates" in self._errors:
            return areas
        try:
            square = typed_point.point_area_in(text, territory=self.municipality.territory)
        except ValidationError as exc:
            self.add_error("coordinates", exc)
            return areas
        feature = {
            "type": "Feature",
            "properties": {},
            "geometry": json.loads(square.transform(4326, clone=True).json),
        }
        collection = {"type": "FeatureCollection", "features": [feature]}
        if areas:
            try:
                drawn = work_areas_json(areas)
            except ValidationError:
                return areas  # the areas' own error is said; the point waits for a valid text
            if isinstance(drawn, dict) and drawn.get("type") == "FeatureCollection":
                collection["features"] = [*(drawn.get("features") or []), feature]
            elif isinstance(drawn, dict) and drawn.get("type") == "Feature":
                collection["features"] = [drawn, feature]
            elif isinstance(drawn, dict):
                collection["features"] = [{"type": "Feature", "properties": {}, "geometry": drawn}]
                collection["features"].append(feature)
        combined = json.dumps(collection)
        self.data = self.data.copy()
        self.data[self.add_prefix("geometry")] = combined
        self.data[self.add_prefix("coordinates")] = ""
        self.cleaned_data["geometry"] = combined
        return combined

    def clean(self):
        cleaned = super().clean()
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


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Documents (PDF, PNG or JPEG)"), required=True)


class ReinstatementForm(forms.Form):
    photos = MultipleFileField(label=_("Photos of the restored street"), required=True)


class ComplementAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Documents (PDF, PNG or JPEG)"))


class ExtensionForm(forms.Form):
    new_end = BoundedDateField(label=_("New end date"), window=request_input.PLANNED_DATES)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    """A service's opinion. What the applicant reads (opinion, remark, conditions) and the
    note for the town's staff are separate fields, shown apart (staff/review.html)."""

    #: Fields the applicant reads with the opinion; every other field stays inside the town.
    FOR_APPLICANT = ("opinion", "remark", "conditions", "free_conditions")

    opinion = forms.ChoiceField(
        label=_("Opinion"), choices=ReviewTask.Opinion.choices, widget=forms.RadioSelect
    )
    remark = forms.CharField(
        label=_("Remark for the applicant"),
        help_text=_("Sent to the applicant with your opinion; required if it is unfavourable."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions = forms.ModelMultipleChoiceField(
        label=_("Standard conditions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_conditions = forms.CharField(
        label=_("Other conditions (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        help_text=_("For the town's staff only: never shown to the applicant."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].queryset = StandardCondition.objects.filter(is_active=True)

    def for_applicant(self) -> list:
        return [self[name] for name in self.FOR_APPLICANT]

    def internal(self) -> list:
        return [self[name] for name in self.fields if name not in self.FOR_APPLICANT]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Reasons or remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    extra_conditions = forms.CharField(
        label=_("Additional conditions (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_reason = forms.CharField(
        label=_("Why decide without their opinion"),
        help_text=_("Required while services have not answered; their reviews are then closed."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        pending: list[str] | None = None,
        decisions: tuple[str, ...] | None = None,
        **kwargs,
    ):
        """`pending`: the services that have not answered, when the form is shown (the reason
        is asked only then); None when reading what was sent. `decisions`: those the file's
        state allows (workflow.officer_decisions), when the form is shown."""
        super().__init__(*args, **kwargs)
        if pending is not None and not pending:
            del self.fields["override_reason"]
        if decisions is not None:
            field = self.fields["decision"]
            field.choices = [(k, label) for k, label in field.choices if k in decisions]
            if decisions == ("refuse",):
                del self.fields["extra_conditions"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("text", "").strip():
            self.add_error("text", _("Give the reasons for the refusal."))
        return cleaned


class AbandonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the file is closed (the applicant reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the file is closed.")},
    )


class CategoryForm(forms.Form):
    """Staff correct the road category (it sets the occupation fee)."""

    category = forms.ChoiceField(
        label=_("Road category"),
        choices=PermitRequest._meta.get_field("road_category").choices,
        error_messages={"required": _("Choose a road category from the list.")},
    )
    reason = forms.CharField(
        label=_("Why the category is corrected (the applicant reads it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the road category is corrected.")},
    )


class ComplementForm(forms.Form):
    question = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 3}))


class ServiceAddForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Service"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.all()


class InspectionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=Inspection.Result.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fix_by = BoundedDateField(label=_("Defects to fix by"), required=False, window=REPAIR_DATES)


class QueueFilterForm(forms.Form):
    VIEWS = [
        ("all", _("All requests")),
        ("mine", _("My tasks")),
        ("late", _("Late tasks")),
        ("exceptions", _("Exceptions")),
    ]
    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *PermitRequest.Status.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind of work"),
        choices=[("", _("Any kind")), *PermitRequest.Kind.choices],
        required=False,
    )
    q = forms.CharField(label=_("Search"), required=False)


class ReviewLayerForm(forms.Form):
    name = forms.CharField(label=_("Name of the layer"), max_length=120)
    department = forms.ModelChoiceField(label=_("Service it adds"), queryset=None)
    file = forms.FileField(
        label=_("File (GeoJSON, or a shapefile in a .zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.zip"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large."), code="size")
        return upload


class MapFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *PermitRequest.Status.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind of work"),
        choices=[("", _("Any kind")), *PermitRequest.Kind.choices],
        required=False,
    )


class AddressLayerForm(forms.Form):
    file = forms.FileField(
        label=_("Address points (GeoJSON with a “label” property)"),
        widget=forms.FileInput(attrs={"accept": ".geojson,.json"}),
    )
