"""Forms: they parse and check input, then views hand the cleaned data to one service."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.accounts.models import Organisation
from commune.core.bounds import BoundedDateField, DateWindow, bounded_formfields
from commune.tenants.models import Department

from .models import Inspection, PermitRequest, ReviewTask, StandardCondition
from .services.attachments import attachment_check
from .services.geometry import check_inside_territory, parse_work_areas
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


#: Works are planned from a year back (an emergency declared after it began) to ten years
#: ahead (beyond any permit's validity). Outside that, a date is a typing mistake or an attack:
#: year 9999 overflowed the checks' date arithmetic (a 500), and counting working days up to it
#: took 2.4 s of CPU per submission.
PLANNED_DATES = DateWindow(years_before=1, years_after=10)
#: Defects are fixed within months; two years is generous.
REPAIR_DATES = DateWindow(years_before=0, years_after=2)


class PermitRequestForm(forms.ModelForm):
    """The applicant's request: who, what, where (GeoJSON that the map fills), impact, when."""

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
        min_value=Decimal("0.1"),  # a float 0.1 is above Decimal("0.10"): 0.1 m was refused
        max_value=Decimal("50"),
        decimal_places=2,
    )
    attachments = MultipleFileField(
        label=_("Plans (PDF, PNG or JPEG)"),
        help_text=_("Several files allowed."),
    )
    # The form's own key (a double click is one request); the API sends its Idempotency-Key.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = PermitRequest
        fields = DRAFT_FIELDS  # what an applicant fills in; the service saves the same
        # the model's _post_clean checks are skipped (below): the form bounds every number,
        # date and text itself
        formfield_callback = bounded_formfields(
            dates={"planned_start": PLANNED_DATES, "planned_end": PLANNED_DATES}
        )
        widgets = {
            "invoice_address": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "diversion": forms.Textarea(attrs={"rows": 2}),
            "site_manager_phone": forms.TextInput(attrs={"type": "tel"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, municipality, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["organisation"].queryset = Organisation.objects.filter(members=user)
        self.fields["organisation"].required = False
        self.fields["organisation"].empty_label = _("— in my own name —")
        self.areas = []

    def clean_geometry(self):
        width = self.data.get(self.add_prefix("line_width_m")) or None
        areas = parse_work_areas(self.cleaned_data["geometry"], default_width=width)
        check_inside_territory(areas, self.municipality.territory)
        self.areas = areas
        return self.cleaned_data["geometry"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error(
                "planned_end",
                ValidationError(
                    _("The end of the works must be on or after their start."), code="reversed"
                ),
            )
        return cleaned

    def _post_clean(self):
        # The model's check constraint is enforced by clean() with a clearer message.
        pass


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Documents (PDF, PNG or JPEG)"), required=True)


class ReinstatementForm(forms.Form):
    photos = MultipleFileField(label=_("Photos of the restored street"), required=True)


class ComplementAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Documents (PDF, PNG or JPEG)"))


class ExtensionForm(forms.Form):
    new_end = BoundedDateField(label=_("New end date"), window=PLANNED_DATES)
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("text", "").strip():
            self.add_error("text", _("Give the reasons for the refusal."))
        return cleaned


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
        from django.conf import settings

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
