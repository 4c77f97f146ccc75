"""The observatory pages: the analyst's (internal figures, free filters) and the public one
(open data: only the fixed tables published per period, see services/opendata.py), with the
same charts, map and exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commune.accounts.access import has_role, staff_required
from commune.accounts.models import Role

from . import exports, observatory, published, selectors, warehouse
from .forms_observatory import OpenPeriodForm


def _render(request, context: dict, status: int):
    template = (
        "mobility/observatory/_results.html" if request.htmx else "mobility/observatory/page.html"
    )
    return render(request, template, context, status=status)


def _shown(context: dict, data: dict) -> None:
    context.update(
        data=data,
        shown=observatory.presentation(data),
        layers=observatory.map_layers(data),
        k=data["k"],
        perimeter=data["perimeter"],
    )


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def observatory_page(request):
    """The analyst's observatory: unsuppressed internal figures, any period, mode and sites."""
    town = request.municipality
    catalogue = warehouse.observatory_catalogue(municipality=town)
    filters = observatory.filters_from(request.GET, catalogue)
    context = {
        "public": False,
        "filters": filters,
        "form": filters.form,
        "invalid": not filters.valid,
        "has_data": catalogue["last"] is not None,
        "is_analyst": True,
        "open_url": reverse("mobility:observatory-open", kwargs={"town": town.slug}),
    }
    if context["has_data"]:
        data = observatory.observatory_data(municipality=town, filters=filters)
        _shown(context, data)
        context["export_query"] = urlencode(filters.query, doseq=True)
    return _render(request, context, 200 if filters.valid or request.htmx else 400)


def _open_period(request, periods: list):
    """The published period asked for (the latest when none is), the form, and whether the
    request named a period that is not published."""
    form = OpenPeriodForm(
        request.GET if "period" in request.GET else None,
        choices=published.period_choices(periods),
        initial={"period": periods[0].key if periods else None},
    )
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["period"]
        return next(p for p in periods if p.key == chosen), form, False
    return (periods[0] if periods else None), form, form.is_bound


@require_GET
def observatory_open(request):
    """The public observatory: one published period's fixed tables, no free filter."""
    town = request.municipality
    periods = selectors.publication_periods(municipality=town)
    period, form, invalid = _open_period(request, periods)
    context = {
        "public": True,
        "form": form,
        "invalid": invalid,
        "has_data": period is not None,
        "is_analyst": has_role(request.user, town, Role.MOBILITY_ANALYST),
    }
    if period is not None:
        _shown(context, published.period_data(municipality=town, period=period))
        context.update(
            period=period,
            period_label=published.period_label(period),
            links=published.period_links(periods, period),
            export_query=urlencode({"period": period.key}),
        )
    return _render(request, context, 400 if invalid and not request.htmx else 200)


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _unknown_indicator() -> str:
    return _("Unknown indicator; choose one of: %(names)s") % {
        "names": ", ".join(exports.INDICATORS)
    }


def _send(fmt: str, town, data: dict, indicator: str, period) -> HttpResponse:
    if fmt == "csv":
        return exports.csv_response(town, data, indicator, period)
    if fmt == "parquet":
        return exports.parquet_response(town, data, indicator, period)
    return exports.geojson_response(town, data, period)


def _export(request, fmt: str) -> HttpResponse:
    town = request.municipality
    catalogue = warehouse.observatory_catalogue(municipality=town)
    if catalogue["last"] is None:
        return _text(_("This town has no mobility data yet."), 404)
    filters = observatory.filters_from(request.GET, catalogue)
    indicator = request.GET.get("indicator", "daily")
    if not filters.valid or (fmt != "geojson" and indicator not in exports.INDICATORS):
        problems = [str(e) for errors in filters.form.errors.values() for e in errors]
        if indicator not in exports.INDICATORS:
            problems.append(_unknown_indicator())
        return _text("\n".join(problems), 400)
    data = observatory.observatory_data(municipality=town, filters=filters)
    return _send(fmt, town, data, indicator, (filters.start, filters.end))


def _open_export(request, fmt: str) -> HttpResponse:
    town = request.municipality
    periods = selectors.publication_periods(municipality=town)
    if not periods:
        return _text(_("This town has no open mobility data yet."), 404)
    period, form, invalid = _open_period(request, periods)
    indicator = request.GET.get("indicator", "daily")
    if invalid:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _text("\n".join(problems), 400)
    if fmt != "geojson" and indicator not in exports.INDICATORS:
        return _text(_unknown_indicator(), 400)
    data = published.period_data(municipality=town, period=period)
    return _send(fmt, town, data, indicator, (period.start, period.end))


def _export_view(fmt: str, *, public: bool):
    def view(request):
        return _open_export(request, fmt) if public else _export(request, fmt)

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
