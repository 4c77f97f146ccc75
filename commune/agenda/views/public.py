"""The public agenda: coming dates searched and filtered, an event with each of its dates,
a venue, and the feeds (iCalendar, RSS) of the same selection."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.tenants.links import absolute_url

from .. import feeds, jsonld, selectors
from ..access import access_event_public
from ..forms import SearchForm
from ..hooks import occurrence_links
from ..models import Audience, Category, Event, Language, Venue
from ..services.dates import event_occurrences

PER_PAGE = 20
#: How long an event's page lists its dates ahead.
EVENT_HORIZON = selectors.HORIZON


def _filters(request) -> tuple[SearchForm, selectors.Filters]:
    town = request.municipality
    form = SearchForm(
        request.GET or None,
        neighbourhoods=selectors.neighbourhood_list(municipality=town),
    )
    if not form.is_bound or not form.is_valid():
        return form, selectors.Filters()
    data = form.cleaned_data
    return form, selectors.Filters(
        text=data["q"],
        start=data["start"],
        end=data["end"],
        category=data["category"],
        audience=data["audience"],
        accessibility=tuple(data["access"]),
        neighbourhood=data["neighbourhood"],
        free_only=data["free"],
        organisation_id=data["organisation"],
        venue_id=data["venue"],
    )


def _feed_links(request, name: str, **kwargs) -> dict[str, str]:
    """The https link of a feed (with the page's query) and its webcal:// twin."""
    path = reverse(name, kwargs={"town": request.municipality.slug, **kwargs})
    query = request.GET.urlencode()
    url = absolute_url(path + (f"?{query}" if query else ""), municipality=request.municipality)
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def agenda_list(request):
    form, filters = _filters(request)
    listed = selectors.occurrence_search(
        municipality=request.municipality, filters=filters, now=timezone.now()
    )
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agenda/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "ical": _feed_links(request, "agenda:ical"),
            "rss": absolute_url(
                reverse("agenda:rss", kwargs={"town": request.municipality.slug}),
                municipality=request.municipality,
            ),
        },
    )


def event_detail(request, event_id: int):
    town = request.municipality
    event = access_event_public(municipality=town, event_id=event_id)
    now = timezone.now()
    occurrences = event_occurrences(event=event, after=now, before=now + EVENT_HORIZON)
    venues = {v.pk: v for v in selectors.venue_list(municipality=town)}
    url = absolute_url(request.path, municipality=town)
    mine = {
        r.original_start: r
        for r in selectors.registration_list_mine(event=event, user=request.user)
    }
    open_to_register = event.capacity and event.status == Event.Status.PUBLISHED
    taken = selectors.places_taken_by_date(event=event) if open_to_register else {}
    dates = []
    for occurrence in occurrences:
        venue = venues.get(occurrence.venue_id) or event.venue
        left = None  # no registration, or none for this date
        if open_to_register and not occurrence.cancelled:
            left = max(event.capacity - taken.get(occurrence.original_start, 0), 0)
        data = jsonld.occurrence_jsonld(
            event=event, occurrence=occurrence, venue=venue, url=url, places_left=left
        )
        dates.append(
            {
                "occurrence": occurrence,
                "venue": venue,
                "places_left": left,
                "jsonld": jsonld.script(data),
                "registration": mine.get(occurrence.original_start),
                "links": []
                if occurrence.cancelled
                else occurrence_links(request, event, occurrence),
            }
        )
    return render(
        request,
        "agenda/event.html",
        {
            "event": event,
            "dates": dates,
            "audiences": [Audience(a).label for a in event.audiences if a in Audience.values],
            "languages": [Language(x).label for x in event.languages if x in Language.values],
            "minutes": int(event.duration.total_seconds() // 60),
            "ical": _feed_links(request, "agenda:event-ical", event_id=event.pk),
        },
    )


def venue_detail(request, venue_id: int):
    town = request.municipality
    venue = get_object_or_404(selectors.venue_list(municipality=town), pk=venue_id)
    listed = selectors.occurrence_search(
        municipality=town, filters=selectors.Filters(venue_id=venue.pk), now=timezone.now()
    )
    return render(
        request,
        "agenda/venue.html",
        {
            "venue": venue,
            "listed": listed[:PER_PAGE],
            "ical": _feed_links(request, "agenda:venue-ical", venue_id=venue.pk),
        },
    )


def _calendar_response(request, events, name: str) -> HttpResponse:
    town = request.municipality
    venues = {v.pk: v for v in Venue.objects.filter(municipality=town)}
    body = feeds.calendar_bytes(municipality=town, events=events, name=name, venues=venues)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response


def ical_town(request):
    """The town's agenda as iCalendar; the page's filters (category, organisation…) apply."""
    _form, filters = _filters(request)
    town = request.municipality
    name = _("Agenda of %(town)s") % {"town": town.name}
    if filters.category:
        name = f"{name} — {Category(filters.category).label}"
    return _calendar_response(
        request, selectors.event_list_matching(municipality=town, filters=filters), name
    )


def ical_venue(request, venue_id: int):
    town = request.municipality
    venue = get_object_or_404(selectors.venue_list(municipality=town), pk=venue_id)
    events = selectors.event_list_matching(
        municipality=town, filters=selectors.Filters(venue_id=venue.pk)
    )
    return _calendar_response(request, events, f"{venue.name} — {town.name}")


def ical_event(request, event_id: int):
    event = access_event_public(municipality=request.municipality, event_id=event_id)
    return _calendar_response(request, [event], event.title)


def rss(request):
    _form, filters = _filters(request)
    town = request.municipality
    listed = selectors.occurrence_search(municipality=town, filters=filters, now=timezone.now())
    link = absolute_url(reverse("agenda:list", kwargs={"town": town.slug}), municipality=town)
    body = feeds.rss_bytes(
        municipality=town,
        listed=listed[:100],
        title=_("Agenda of %(town)s") % {"town": town.name},
        link=link,
    )
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
