"""The applicant's forms after the request: documents, the restored street's photos, the answer
to a complement and an extension of the works."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import BoundedDateField

from ..services import request_input
from .uploads import MultipleFileField


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
