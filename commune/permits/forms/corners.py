"""The request form's list of corners (services/corners.py): the fields a page sends, read
back into the areas' text. The corners apply only to the text they were listed from (its
fingerprint comes with them): an area drawn or pasted since then wins."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from ..services import corners as corners_service

#: The hidden field naming the text the corners were listed from.
FINGERPRINT = "corners_of"
#: A corner's field: corner-<shape>-<corner>, both 1-based.
CORNER = re.compile(r"^corner-(\d{1,3})-(\d{1,3})$")


def corners_typed(data) -> dict[tuple[int, int], str]:
    """The corner fields sent, by (shape, corner)."""
    typed = {}
    for name in data:
        match = CORNER.match(name)
        if match:
            typed[(int(match.group(1)), int(match.group(2)))] = str(data.get(name) or "")[:200]
    return typed


def corners_read(data, *, name: str = "geometry") -> tuple[str | None, list[str]]:
    """The areas' text (`data[name]`) with the corners sent applied, or None when they change
    nothing (or belong to another text); and the errors to say."""
    text = data.get(name) or ""
    typed = corners_typed(data)
    if not typed or data.get(FINGERPRINT) != corners_service.fingerprint(text):
        return None, []
    try:
        return corners_service.corners_apply(text, typed), []
    except ValidationError as exc:
        return None, exc.messages


def corners_context(text: str | None, *, errors=(), moved: str | None = None) -> dict:
    """What the corners' template shows for the areas' `text` (`moved`: the text the corners
    sent made, for the page's script to give to the map)."""
    shapes = corners_service.corners_list(text)
    return {
        "moved": moved,
        "fingerprint": corners_service.fingerprint(text),
        "shapes": shapes or [],
        "too_many": shapes is None,
        "max": corners_service.MAX_CORNERS,
        "errors": list(errors),
    }
