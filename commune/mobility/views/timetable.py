"""The town's public-transport departures (imported GTFS timetables) for its staff."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commune.accounts.access import staff_required
from commune.accounts.models import Role

from .. import selectors, warehouse


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def departures(request):
    """Departures per stop and hour of one stored service day, with the mean headway."""
    town = request.municipality
    days = warehouse.departure_days(municipality=town)
    context = {"days": days, "search": request.GET.get("stop", "")[:100], "error": ""}
    status = 200
    day = days[0] if days else None
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            day = None
        if day not in days:
            context["error"] = _(
                "No departures are stored for this day; choose one of the days listed."
            )
            day, status = (days[0] if days else None), 400
    context["day"] = day
    if day is not None:
        context.update(
            selectors.departures_table(municipality=town, day=day, search=context["search"])
        )
        context["shown_limit"] = selectors.STOPS_SHOWN
    return render(request, "mobility/departures.html", context, status=status)
