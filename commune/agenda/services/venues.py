"""Venues, kept by the town's moderators: the address, the position (given in WGS84 by a
map or typed, stored in LV95), the accessibility, and a photo stored as a fresh PNG."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.core.images import image_to_png
from commune.core.uploads import validate_upload

from ..models import ACCESSIBILITY, Venue

#: The photo's longer side once stored, in pixels.
PHOTO_MAX_SIDE = 1200
FIELDS = ["name", "address", "postcode", "locality", *ACCESSIBILITY]


@dataclass(frozen=True)
class VenueInput:
    name: str
    address: str
    postcode: str = ""
    locality: str = ""
    latitude: float | None = None
    longitude: float | None = None
    features: frozenset[str] = field(default_factory=frozenset)


def _point(data: VenueInput, municipality) -> Point | None:
    if data.latitude is None or data.longitude is None:
        return None
    point = Point(data.longitude, data.latitude, srid=4326).transform(2056, clone=True)
    if not municipality.territory.buffer(2000).contains(point):
        raise ValidationError({"latitude": _("This position is not in or near the town.")})
    return point


def venue_photo_png(upload) -> bytes:
    """The photo as kept: a checked upload (PNG or JPEG by content, size-limited), decoded and
    written again as PNG without its metadata."""
    try:
        validate_upload(upload, allowed={"png", "jpeg"})
        return image_to_png(upload, max_side=PHOTO_MAX_SIDE, max_pixels=settings.IMAGE_MAX_PIXELS)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.error_list}) from exc


@transaction.atomic
def venue_save(
    *, municipality, user, data: VenueInput, venue: Venue | None = None, photo=None
) -> Venue:
    """Create or change a venue; nothing is saved when the position or the photo is refused."""
    location = _point(data, municipality)
    png = venue_photo_png(photo) if photo is not None else None
    venue = venue or Venue(municipality=municipality)
    before = audit.snapshot(venue, FIELDS) if venue.pk else {}
    venue.name, venue.address = data.name.strip(), data.address.strip()
    venue.postcode, venue.locality = data.postcode.strip(), data.locality.strip()
    if location is not None:
        venue.location = location
    for flag in ACCESSIBILITY:
        setattr(venue, flag, flag in data.features)
    if png is not None:
        digest = hashlib.sha256(png).hexdigest()[:16]
        venue.photo.save(f"{municipality.pk}-{digest}.png", ContentFile(png), save=False)
    venue.save()
    audit.record(
        actor=user,
        obj=venue,
        action="venue_save",
        before=before,
        after=audit.snapshot(venue, FIELDS),
    )
    return venue
