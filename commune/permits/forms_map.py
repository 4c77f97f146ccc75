"""The staff map's filters (GET, and the same on its GeoJSON): status, kind of work and the
period in which the works take place."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import BoundedDateField, DateWindow

from .forms import MapFilterForm
from .models.config import validate_tile_template

#: The files a town keeps: works planned up to ten years ahead, or done ten years ago.
MAP_DATES = DateWindow(years_before=10, years_after=10)


class StaffMapFilterForm(MapFilterForm):
    """Status, kind and the works' period: a file is shown when its works (from the planned
    start to the last valid day) meet the period; an open end is unbounded."""

    start = BoundedDateField(label=_("Works from"), window=MAP_DATES, required=False)
    end = BoundedDateField(label=_("Works until"), window=MAP_DATES, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(
                _("The end of the period is before its start."), code="reversed"
            )
        return data

    def filters(self) -> dict:
        """The selector's keyword arguments (call once the form is valid)."""
        data = self.cleaned_data
        return {
            "status": data.get("status", ""),
            "kind": data.get("kind", ""),
            "start": data.get("start"),
            "end": data.get("end"),
        }


class BasemapForm(forms.Form):
    """The town's background map: a tile address (WMTS or XYZ) and its credit."""

    url = forms.CharField(
        label=_("Tile address"),
        max_length=500,
        validators=[validate_tile_template],
        help_text=_("An https address with {z}, {x} and {y}, such as swisstopo's WMTS."),
        widget=forms.TextInput(attrs={"size": 80, "inputmode": "url", "spellcheck": "false"}),
    )
    attribution = forms.CharField(label=_("Credit shown on the map"), max_length=200)
