"""The analysts' observatory: internal figures with free filters (any period, mode and sites),
and their exports. The rendering and the exports' answers are shared with the public page
(opendata.py), which serves published periods only."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commune.accounts.access import staff_required
from commune.accounts.models import Role

from .. import exports, presentation, selectors, warehouse
from ..forms_observatory import filters_from


def render_observatory(request, context: dict, status: int):
    """The page, or its results alone for htmx."""
    template = (
        "mobility/observatory/_results.html" if request.htmx else "mobility/observatory/page.html"
    )
    return render(request, template, context, status=status)


def show(context: dict, data: dict) -> None:
    """The figures of `data` as the template shows them: tables, charts and map layers (the
    analysts' filter, when there is one, names the charts' units and is written in words)."""
    filters = context.get("filters")
    modes, sites = (filters.modes, filters.sites) if filters else (None, None)
    context.update(
        data=data,
        shown=presentation.tables_and_charts(data, modes=modes, page=context.get("page", 1)),
        filter_words=presentation.filter_words(data, modes=modes, sites=sites),
        layers=presentation.map_layers(data),
        k=data["k"],
        perimeter=[presentation.zone_names(data).get(zone, zone) for zone in data["perimeter"]],
        stops_day=data.get("stops_day"),
    )


def text_response(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def unknown_indicator() -> str:
    return _("Unknown indicator; choose one of: %(names)s") % {
        "names": ", ".join(exports.INDICATORS)
    }


def send(fmt: str, town, data: dict, indicator: str, period) -> HttpResponse:
    """`data` exported as `fmt` (csv, parquet or geojson)."""
    if fmt == "csv":
        return exports.csv_response(town, data, indicator, period)
    if fmt == "parquet":
        return exports.parquet_response(town, data, indicator, period)
    return exports.geojson_response(town, data, period)


def _data(town, filters, catalogue: dict, daily_sites: Callable | None) -> dict:
    """The figures of `filters`, with the days of the sites `daily_sites` picks (every site's
    when None; selectors.observatory_data)."""
    return selectors.observatory_data(
        municipality=town,
        start=filters.start,
        end=filters.end,
        modes=filters.modes,
        sites=filters.sites,
        catalogue=catalogue,
        daily_sites=daily_sites,
    )


def _no_days(ids: list[str]) -> list[str]:
    """No site's days: what an export that writes none reads (a canton's year is 4 M days)."""
    return []


def _days_of_export(fmt: str, indicator: str) -> Callable | None:
    """The sites whose days an export reads: every site's when it writes them, none else."""
    return None if exports.writes_days(fmt, indicator) else _no_days


def _comparison(town, filters, data: dict, sites: list[str]) -> dict:
    """The period compared with another, for `sites` (the page's)."""
    start, end = filters.compared
    other = selectors.daily_of_period(
        municipality=town, start=start, end=end, modes=filters.modes, sites=sites
    )
    daily = data.get("daily")
    if daily is not None:
        daily = daily[daily.site_id.isin(sites)]
    return {
        "start": start,
        "end": end,
        "rows": presentation.comparison_rows(daily, other, presentation.site_names(data)),
    }


def page_number(params) -> int:
    """The page of the sites asked for (`sites_page`); 1 when absent or not a number."""
    value = params.get("sites_page", "")
    return int(value) if value.isdigit() and len(value) < 7 else 1


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def observatory_page(request):
    """The analyst's observatory: unsuppressed internal figures, any period, mode and sites."""
    town = request.municipality
    catalogue = warehouse.observatory_catalogue(municipality=town)
    filters = filters_from(request.GET, catalogue)
    context = {
        "public": False,
        "filters": filters,
        "form": filters.form,
        "invalid": not filters.valid,
        "has_data": catalogue["last"] is not None,
        "is_analyst": True,
        "open_url": reverse("mobility:observatory-open", kwargs={"town": town.slug}),
        "page": page_number(request.GET),
    }
    if context["has_data"]:
        page_of_sites = partial(presentation.page_of_sites, page=context["page"])
        show(context, _data(town, filters, catalogue, page_of_sites))
        if filters.valid and filters.compared:
            page_sites = [s["id"] for s in context["shown"]["sites"]]
            context["comparison"] = _comparison(town, filters, context["data"], page_sites)
        context["export_query"] = urlencode(filters.query, doseq=True)
    return render_observatory(request, context, 200 if filters.valid or request.htmx else 400)


def _export(request, fmt: str) -> HttpResponse:
    town = request.municipality
    catalogue = warehouse.observatory_catalogue(municipality=town)
    if catalogue["last"] is None:
        return text_response(_("This town has no mobility data yet."), 404)
    filters = filters_from(request.GET, catalogue)
    indicator = request.GET.get("indicator", "daily")
    if not filters.valid or (fmt != "geojson" and indicator not in exports.INDICATORS):
        problems = [str(e) for errors in filters.form.errors.values() for e in errors]
        if indicator not in exports.INDICATORS:
            problems.append(unknown_indicator())
        return text_response("\n".join(problems), 400)
    data = _data(town, filters, catalogue, _days_of_export(fmt, indicator))
    return send(fmt, town, data, indicator, (filters.start, filters.end))


def _export_view(fmt: str):
    def view(request):
        return _export(request, fmt)

    view.__name__ = f"export_{fmt}"
    view.__doc__ = f"{fmt} export of the internal indicators."
    return staff_required(Role.MOBILITY_ANALYST)(require_GET(view))


export_csv = _export_view("csv")
export_parquet = _export_view("parquet")
export_geojson = _export_view("geojson")
