"""schema.org `Event` JSON-LD, one per date, with eventStatus (scheduled, cancelled,
rescheduled); served in a data block (`application/ld+json`), which the site's CSP allows
because a browser never runs it."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from . import recurrence
from .models import Event, PriceKind

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

STATUS = "https://schema.org/Event{}"


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


def occurrence_jsonld(*, event: Event, occurrence, venue, url: str) -> dict:
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
        data["previousStartDate"] = recurrence.local(occurrence.original_start).isoformat()
    if event.price_kind == PriceKind.AMOUNT and event.price_amount is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": str(event.price_amount),
            "priceCurrency": "CHF",
            "url": url,
        }
    return data


def script(data: dict) -> SafeString:
    """The data block for `data`, with <, > and & escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped
