"""The staff workspace's overviews: a map of every file (with its GeoJSON and a table as the
accessible alternative) and the statistics."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from commune.permits import forms, selectors

from .staff import STAFF, staff_required


def _map_filters(request) -> tuple[forms.MapFilterForm, dict]:
    form = forms.MapFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {"status": data.get("status", ""), "kind": data.get("kind", "")}


@staff_required(*STAFF)
def staff_map(request):
    form, filters = _map_filters(request)
    collection = selectors.permit_map_features(municipality=request.municipality, **filters)
    territory = request.municipality.territory.transform(4326, clone=True).json
    return render(
        request,
        "permits/staff/map.html",
        {
            "form": form,
            "features": collection["features"],
            "features_geojson": json.dumps(collection),
            "territory": territory,
            "query": request.GET.urlencode(),
        },
    )


@staff_required(*STAFF)
def staff_map_geojson(request):
    _form, filters = _map_filters(request)
    collection = selectors.permit_map_features(municipality=request.municipality, **filters)
    return JsonResponse(collection, content_type="application/geo+json")


@staff_required(*STAFF)
def staff_stats(request):
    stats = selectors.permit_stats(municipality=request.municipality, today=timezone.localdate())
    return render(request, "permits/staff/stats.html", {"stats": stats})
