"""The public observatory: one published period's fixed tables (open data, made and frozen by
services/opendata.py), no free filter; its exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commune.accounts.access import has_role
from commune.accounts.models import Role

from .. import exports, presentation, selectors
from ..forms_observatory import OpenPeriodForm
from .observatory import (
    page_number,
    render_observatory,
    send,
    show,
    text_response,
    unknown_indicator,
)


def _open_period(request, periods: list):
    """The published period asked for (the latest when none is), the form, and whether the
    request named a period that is not published."""
    form = OpenPeriodForm(
        request.GET if "period" in request.GET else None,
        choices=presentation.period_choices(periods),
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
        "page": page_number(request.GET),
    }
    if period is not None:
        show(context, selectors.published_period_data(municipality=town, period=period))
        context.update(
            period=period,
            period_label=presentation.period_label(period),
            links=presentation.period_links(periods, period),
            export_query=urlencode({"period": period.key}),
        )
    return render_observatory(request, context, 400 if invalid and not request.htmx else 200)


def _open_export(request, fmt: str) -> HttpResponse:
    town = request.municipality
    periods = selectors.publication_periods(municipality=town)
    if not periods:
        return text_response(_("This town has no open mobility data yet."), 404)
    period, form, invalid = _open_period(request, periods)
    indicator = request.GET.get("indicator", "daily")
    if invalid:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return text_response("\n".join(problems), 400)
    if fmt != "geojson" and indicator not in exports.INDICATORS:
        return text_response(unknown_indicator(), 400)
    data = selectors.published_period_data(municipality=town, period=period)
    return send(fmt, town, data, indicator, (period.start, period.end))


def _export_view(fmt: str):
    def view(request):
        return _open_export(request, fmt)

    view.__name__ = f"export_open_{fmt}"
    view.__doc__ = f"{fmt} export of the open indicators."
    return require_GET(view)


export_open_csv = _export_view("csv")
export_open_parquet = _export_view("parquet")
export_open_geojson = _export_view("geojson")
