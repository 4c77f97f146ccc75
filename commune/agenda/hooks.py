"""What modules above the agenda add to its pages without the agenda importing them (layers,
decision 0010): a link under each date of an event — help's "Ask for a companion". A module
registers a function from its AppConfig.ready(); the event page calls them all."""

from __future__ import annotations

from collections.abc import Callable

#: f(request, event, occurrence) -> {"url": ..., "label": ...} or None
OccurrenceLink = Callable[..., dict | None]

_occurrence_links: list[OccurrenceLink] = []


def occurrence_link_register(function: OccurrenceLink) -> None:
    if function not in _occurrence_links:
        _occurrence_links.append(function)


def occurrence_links(request, event, occurrence) -> list[dict]:
    """The links every registered module offers for this date of `event` to this reader."""
    found = (function(request, event, occurrence) for function in _occurrence_links)
    return [link for link in found if link]
