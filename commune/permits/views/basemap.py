"""The town administrator's page for the maps' background: the tile address of the town's
WMTS and its credit (the public works map, the staff map and the request form read them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import staff_required
from commune.accounts.models import Role
from commune.permits.forms_map import BasemapForm
from commune.permits.selectors import permit_settings_get
from commune.permits.services.basemap import basemap_set


@staff_required(Role.MUNICIPALITY_ADMIN)
def basemap_settings(request):
    """The form (GET) and its saving (POST), without JavaScript; a refused address is said
    beside its field."""
    town = request.municipality
    config = permit_settings_get(municipality=town)
    initial = {"url": config.basemap_url, "attribution": config.basemap_attribution}
    form = BasemapForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            basemap_set(
                municipality=town,
                actor=request.user,
                url=form.cleaned_data["url"],
                attribution=form.cleaned_data["attribution"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("url", message)
        else:
            messages.success(request, _("The background map is saved."))
            return redirect(reverse("permits:basemap", kwargs={"town": town.slug}))
    status = 400 if request.method == "POST" else 200
    return render(request, "permits/staff/basemap.html", {"form": form}, status=status)
