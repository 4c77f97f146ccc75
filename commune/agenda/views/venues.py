"""Venues: the moderators' list and form, and the public photo of a venue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import staff_required
from commune.core.files import private_file_response
from commune.core.form_errors import errors_to_form

from .. import selectors
from ..access import MODERATORS
from ..forms import VenueForm
from ..services.venues import venue_save


def _form_initial(venue) -> dict:
    initial = {name: getattr(venue, name) for name in ("name", "address", "postcode", "locality")}
    position = venue.wgs84()
    if position:
        initial["latitude"], initial["longitude"] = position
    initial["features"] = [flag for flag, _label in venue.accessibility_features()]
    return initial


@staff_required(*MODERATORS)
def venue_list(request):
    venues = selectors.venue_list(municipality=request.municipality)
    return render(request, "agenda/venues.html", {"venues": venues})


@staff_required(*MODERATORS)
def venue_edit(request, venue_id: int | None = None):
    town = request.municipality
    venue = None
    if venue_id is not None:
        venue = get_object_or_404(selectors.venue_list(municipality=town), pk=venue_id)
    data = request.POST if request.method == "POST" else None
    form = VenueForm(data, request.FILES or None, initial=_form_initial(venue) if venue else None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = venue_save(
                municipality=town,
                user=request.user,
                data=form.venue_input(),
                venue=venue,
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Venue saved."))
            return redirect(reverse("agenda:venues", kwargs={"town": town.slug}))
    return render(request, "agenda/venue_form.html", {"form": form, "venue": venue})


def venue_photo(request, venue_id: int):
    venue = get_object_or_404(selectors.venue_list(municipality=request.municipality), pk=venue_id)
    if not venue.photo:
        raise Http404
    return private_file_response(
        venue.photo,
        filename=f"venue-{venue.pk}.png",
        content_type="image/png",
        inline=True,
        cache="public, max-age=3600",
    )
