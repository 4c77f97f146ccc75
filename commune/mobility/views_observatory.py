"""The observatory pages: the analyst's (internal figures) and the public one (open data,
k-suppressed), with the same filters, charts, map and exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commune.accounts.access import has_role, staff_required
from commune.accounts.models import Role

from . import exports, observatory, warehouse


def _page(request, *, public: bool):
    town = request.municipality
    catalogue = warehouse.observatory_catalogue(municipality=town)
    filters = observatory.filters_from(request.GET, catalogue)
    context = {
        "public": public,
        "filters": filters,
        "form": filters.form,
        "has_data": catalogue["last"] is not None,
        "is_analyst": has_role(request.user, town, Role.MOBILITY_ANALYST),
    }
    if context["has_data"]:
        data = observatory.observatory_data(municipality=town, filters=filters, public=public)
        context.update(
            data=data,
            shown=observatory.presentation(data),
            layers=observatory.map_layers(data),
            k=data["k"],
            perimeter=data["perimeter"],
            export_query=urlencode(filters.query, doseq=True),
        )
    if not public:
        context["open_url"] = reverse("mobility:observatory-open", kwargs={"town": town.slug})
    status = 200 if filters.valid or request.htmx else 400
    template = (
        "mobility/observatory/_results.html" if request.htmx else "mobility/observatory/page.html"
    )
    return render(request, template, context, status=status)


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def observatory_page(request):
    """The analyst's observatory: unsuppressed internal figures."""
    return _page(request, public=False)


@require_GET
def observatory_open(request):
    """The public observatory: open data only, no figure from fewer than k persons."""
    return _page(request, public=True)


def _export(request, fmt: str, *, public: bool) -> HttpResponse:
    town = request.municipality
    catalogue = warehouse.observatory_catalogue(municipality=town)
    if catalogue["last"] is None:
        return HttpResponse(
            _("This town has no mobility data yet."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    filters = observatory.filters_from(request.GET, catalogue)
    indicator = request.GET.get("indicator", "daily")
    if not filters.valid or (fmt != "geojson" and indicator not in exports.INDICATORS):
        problems = [str(e) for errors in filters.form.errors.values() for e in errors]
        if indicator not in exports.INDICATORS:
            problems.append(
                _("Unknown indicator; choose one of: %(names)s")
                % {"names": ", ".join(exports.INDICATORS)}
            )
        return HttpResponse(
            "\n".join(problems), status=400, content_type="text/plain; charset=utf-8"
        )
    data = observatory.observatory_data(municipality=town, filters=filters, public=public)
    period = (filters.start, filters.end)
    if fmt == "csv":
        return exports.csv_response(town, data, indicator, period)
    if fmt == "parquet":
        return exports.parquet_response(town, data, indicator, period)
    return exports.geojson_response(town, data, period)


def _export_view(fmt: str, *, public: bool):
    def view(request):
        return _export(request, fmt, public=public)

    view.__name__ = f"export_{'open_' if public else ''}{fmt}"
    view.__doc__ = f"{fmt} export of the {'open' if public else 'internal'} indicators."
    view = require_GET(view)
    return view if public else staff_required(Role.MOBILITY_ANALYST)(view)


export_csv = _export_view("csv", public=False)
export_parquet = _export_view("parquet", public=False)
export_geojson = _export_view("geojson", public=False)
export_open_csv = _export_view("csv", public=True)
export_open_parquet = _export_view("parquet", public=True)
export_open_geojson = _export_view("geojson", public=True)
