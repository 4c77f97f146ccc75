"""The agenda on paper: the moderators' page to choose a week and print it, the weekly
large-print PDF (also public: a pharmacy or a care home prints it itself) and the poster of
one activity with its QR code."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commune.accounts.access import staff_required
from commune.core.bounds import BoundedDateField, DateWindow
from commune.tenants.links import absolute_url

from .. import paper, selectors
from ..access import MODERATORS, access_event_public

WINDOW = DateWindow(years_before=1, years_after=2)


class WeekForm(forms.Form):
    start = BoundedDateField(
        label=gettext_lazy("First day of the week"),
        window=WINDOW,
        required=False,
        help_text=gettext_lazy("The agenda lists the seven days from this one."),
    )


def _week_start(request) -> tuple[WeekForm, dt.date | None]:
    """The chosen first day (today if none); None when the input is wrong (form has errors)."""
    form = WeekForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    chosen = form.cleaned_data.get("start") if form.is_bound else None
    return form, chosen or timezone.localdate()


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@staff_required(*MODERATORS)
def paper_home(request):
    """Choose a week, see what it holds, download its PDF or a poster per activity."""
    town = request.municipality
    form, start = _week_start(request)
    entries = paper.week_entries(municipality=town, start=start) if start else []
    pdf_path = reverse("agenda:paper-week", kwargs={"town": town.slug})
    query = f"?start={start.isoformat()}" if start else ""
    return render(
        request,
        "agenda/paper.html",
        {
            "form": form,
            "start": start,
            "end": start + dt.timedelta(days=6) if start else None,
            "entries": entries,
            "pdf_url": pdf_path + query,
            "public_url": absolute_url(pdf_path, municipality=town),
        },
    )


def paper_week(request):
    """The large-print weekly agenda as PDF; `?start=YYYY-MM-DD` (today by default)."""
    town = request.municipality
    form, start = _week_start(request)
    if start is None:
        errors = "; ".join(str(e) for e in form.errors.get("start", []))
        return HttpResponse(
            _("Wrong date: %(errors)s") % {"errors": errors},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    entries = paper.week_entries(municipality=town, start=start)
    body = paper.agenda_week_pdf(municipality=town, start=start, entries=entries)
    return _pdf(body, f"agenda-{town.slug}-{start.isoformat()}.pdf")


def event_poster(request, event_id: int):
    """A4 poster of a public activity, with a QR code to its page."""
    town = request.municipality
    event = access_event_public(municipality=town, event_id=event_id)
    url = absolute_url(
        reverse("agenda:event", kwargs={"town": town.slug, "event_id": event.pk}),
        municipality=town,
    )
    venues = {v.pk: v for v in selectors.venue_list(municipality=town)}
    dates = paper.coming_dates(event=event, now=timezone.now())
    body = paper.poster_pdf(event=event, dates=dates, venues=venues, url=url)
    return _pdf(body, f"poster-{event.pk}.pdf")
