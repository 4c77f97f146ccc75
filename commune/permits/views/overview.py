"""The staff workspace's overviews: a map of every file (with its GeoJSON and a table as the
accessible alternative) and the statistics."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from commune.accounts.access import has_role
from commune.accounts.models import Role
from commune.permits import selectors
from commune.permits.forms_map import StaffMapFilterForm

from .staff import STAFF, staff_required


def _map_form(request) -> StaffMapFilterForm:
    return StaffMapFilterForm(request.GET or None)


@staff_required(*STAFF)
def staff_map(request):
    """The map and table of the files, filtered by status, kind and the works' period; the
    filters are a GET form that works without JavaScript. Filters that do not hold (a date
    that is none, an end before the start) are said beside their field (status 400)."""
    form = _map_form(request)
    town = request.municipality
    context = {
        "form": form,
        "territory": town.territory.transform(4326, clone=True).json,
        "query": request.GET.urlencode(),
        "may_set_basemap": has_role(request.user, town, Role.MUNICIPALITY_ADMIN),
    }
    if request.GET and not form.is_valid():
        context.update(features=[], features_geojson="null", invalid=True)
        return render(request, "permits/staff/map.html", context, status=400)
    filters = form.filters() if request.GET else {}
    collection = selectors.permit_map_features(municipality=town, **filters)
    features = collection["features"]
    openable = selectors.permit_ids_staff_may_open(
        municipality=town, user=request.user, ids={f["properties"]["permit_id"] for f in features}
    )
    context.update(features=features, features_geojson=json.dumps(collection), openable=openable)
    return render(request, "permits/staff/map.html", context)


@staff_required(*STAFF)
def staff_map_geojson(request):
    """The staff map's files as GeoJSON, with the same filters; 400 with the reasons when they
    do not hold."""
    form = _map_form(request)
    if request.GET and not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    filters = form.filters() if request.GET else {}
    collection = selectors.permit_map_features(municipality=request.municipality, **filters)
    return JsonResponse(collection, content_type="application/geo+json")


@staff_required(*STAFF)
def staff_stats(request):
    stats = selectors.permit_stats(municipality=request.municipality, today=timezone.localdate())
    return render(request, "permits/staff/stats.html", {"stats": stats})
