"""schema.org `Event` JSON-LD, one per date, with eventStatus (scheduled, cancelled,
rescheduled); served in a data block (`application/ld+json`), which the site's CSP allows
because a browser never runs it.

A full date: schema.org has no "full" event status (its EventStatusType is scheduled,
rescheduled, postponed, cancelled or moved online), so a date with registration says its
places — `maximumAttendeeCapacity`, `remainingAttendeeCapacity` — and its offer's
`availability` is `SoldOut` when none is left (`InStock` otherwise), as search engines read it."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from . import recurrence
from .models import Event, PriceKind

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

STATUS = "https://schema.org/Event{}"
AVAILABILITY = "https://schema.org/{}"


def _place(venue) -> dict:
    place = {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.address,
            "postalCode": venue.postcode,
            "addressLocality": venue.locality,
            "addressCountry": "CH",
        },
    }
    position = venue.wgs84()
    if position:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": position[0],
            "longitude": position[1],
        }
    return place


def _offer(event: Event, url: str, places_left: int | None) -> dict | None:
    """The offer of a date: its price (none for "paid on site") and, with registration,
    whether a place is left."""
    offer = {}
    if event.price_kind == PriceKind.AMOUNT and event.price_amount is not None:
        offer.update(price=str(event.price_amount), priceCurrency="CHF")
    elif event.price_kind == PriceKind.FREE:
        offer.update(price="0", priceCurrency="CHF")
    if places_left is not None:
        offer["availability"] = AVAILABILITY.format("SoldOut" if places_left == 0 else "InStock")
    return {"@type": "Offer", "url": url, **offer} if offer else None


def occurrence_jsonld(
    *, event: Event, occurrence, venue, url: str, places_left: int | None = None
) -> dict:
    """One date of `event`; `places_left`: the places not held on it, None without
    registration (or for a cancelled date)."""
    if occurrence.cancelled or event.status == Event.Status.CANCELLED:
        status = STATUS.format("Cancelled")
    elif occurrence.moved:
        status = STATUS.format("Rescheduled")
    else:
        status = STATUS.format("Scheduled")
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": recurrence.local(occurrence.start).isoformat(),
        "endDate": recurrence.local(occurrence.end).isoformat(),
        "eventStatus": status,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(venue),
        "url": f"{url}#{occurrence.anchor}",
        "isAccessibleForFree": event.price_kind == PriceKind.FREE,
        "inLanguage": event.languages,
        "organizer": {
            "@type": "Organization",
            "name": event.organisation.name if event.organisation_id else event.municipality.name,
        },
    }
    if occurrence.moved:
        # schema.org's range is a Date (the time it had is the RECURRENCE-ID in the feeds)
        data["previousStartDate"] = recurrence.local(occurrence.original_start).date().isoformat()
    if places_left is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = places_left
    offer = _offer(event, f"{url}#{occurrence.anchor}", places_left)
    if offer:
        data["offers"] = offer
    return data


def script(data: dict) -> SafeString:
    """The data block for `data`, with <, > and & escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped
