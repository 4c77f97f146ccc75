"""Forms of a town's own administration (/<town>/manage/)."""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.core.uploads import validate_upload

from .models import Department, Module, Municipality, hex_colour

LOGO_KINDS = {"png", "jpeg"}


def validate_logo(upload) -> None:
    """A PNG or JPEG, recognised by content (not by name), within the size limit
    (commune.core.uploads). SVG is refused whatever it holds: a logo is shown on every page of
    the town, and no blocklist of SVG features can be trusted to catch every script. The
    service then stores the picture re-encoded as a fresh PNG (municipality_update)."""
    try:
        validate_upload(upload, allowed=LOGO_KINDS)
    except ValidationError as exc:
        if exc.code == "size":
            raise ValidationError(
                _("The file is too big: %(size)s MB at most.")
                % {"size": round(settings.MAX_UPLOAD_BYTES / 1024**2, 1)},
                code="too_big",
            ) from exc
        general = _("Upload a PNG or JPEG image (SVG images are not accepted).")
        raise ValidationError([ValidationError(general, code="type"), *exc.error_list]) from exc


class MunicipalitySettingsForm(forms.Form):
    modules = forms.MultipleChoiceField(
        label=_("Enabled modules"),
        choices=Module.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    primary_colour = forms.CharField(
        label=_("Main colour"),
        max_length=7,
        validators=[hex_colour],
        help_text=_("As #RRGGBB; white text must stay readable on it (contrast 4.5:1)."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG; it is stored as a PNG, scaled down when large."),
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"}),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "modules": municipality.modules,
                "contact_email": municipality.contact_email,
                "primary_colour": municipality.primary_colour,
            },
        )
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            validate_logo(logo)
        return logo or None

    def clean(self):
        data = super().clean()
        candidate = copy.copy(self.municipality)
        for name in ("modules", "contact_email", "primary_colour"):
            if name in data:
                setattr(candidate, name, data[name])
        try:
            candidate.clean()  # the model's own rules: contrast, known modules
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short, letters and dashes: roads, water…")
    )
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, department: Department | None = None, **kwargs):
        if department is not None:
            kwargs.setdefault(
                "initial",
                {"name": department.name, "code": department.code, "email": department.email},
            )
        super().__init__(*args, **kwargs)
        self.department = department

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        others = Department.objects.filter(code=code)  # scoped to the request's town
        if self.department is not None:
            others = others.exclude(pk=self.department.pk)
        if others.exists():
            raise ValidationError(_("Another department already uses this code."), code="taken")
        return code
