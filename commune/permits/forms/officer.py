"""The town's forms on a file: a service's opinion, the officer's decision, closing the file,
the road category, a complement asked, a service added and the inspection."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import BoundedDateField, DateWindow
from commune.tenants.models import Department

from ..models import Inspection, PermitRequest, ReviewTask, StandardCondition

#: Defects are fixed within months; two years is generous.
REPAIR_DATES = DateWindow(years_before=0, years_after=2)


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
