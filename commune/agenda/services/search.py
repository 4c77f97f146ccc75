"""Accent-insensitive search the same on SpatiaLite and PostgreSQL: the services store a
normalised copy of an event's words (`Event.search_text`) and a query is normalised alike."""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """'Fête  de l'Été' -> "fete de l'ete": no accents, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def event_search_text(event) -> str:
    organiser = event.organisation.name if event.organisation_id else ""
    venue = event.venue.name if event.venue_id else ""
    parts = [event.title, event.description, venue, organiser, event.neighbourhood]
    return normalise(" ".join(parts))
