"""The staff's lists and their layers: the queue's and the map's filters, the review layers
and the address points uploaded."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import Department

from ..models import PermitRequest


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
