import hashlib

from django.http import Http404
from django.urls import reverse

from .models import Domain, Municipality


def municipality_get(*, slug: str) -> Municipality:
    try:
        return Municipality.objects.get(slug=slug, is_active=True)
    except Municipality.DoesNotExist as exc:
        raise Http404 from exc


def municipality_by_id(*, municipality_id: int | None) -> Municipality | None:
    """The town with this id, None when there is none (no id given, or the town is gone):
    for background jobs, which get ids."""
    if municipality_id is None:
        return None
    return Municipality.objects.filter(pk=municipality_id).first()


def municipality_for_host(*, host: str) -> Municipality | None:
    host = host.split(":", 1)[0].lower().rstrip(".")
    domain = (
        Domain.objects.select_related("municipality")
        .filter(domain=host, municipality__is_active=True)
        .first()
    )
    return domain.municipality if domain else None


def municipality_list():
    return Municipality.objects.filter(is_active=True).order_by("name")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def town_logo_version(*, municipality: Municipality) -> str | None:
    """A short fingerprint of the town's logo for its address, or None when the town has no
    logo that may be shown: only a PNG written by the logo service (an SVG logo restored from
    an old backup is not)."""
    name = municipality.logo.name
    if not name or not name.endswith(".png"):
        return None
    return hashlib.sha256(name.encode()).hexdigest()[:12]


def town_logo_is_png(*, municipality: Municipality) -> bool:
    """Whether the stored logo really starts as a PNG does (checked before it is served)."""
    try:
        with municipality.logo.open("rb") as fh:
            return fh.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE
    except (OSError, ValueError):
        return False


def town_logo_url(*, municipality: Municipality) -> str | None:
    """Where pages show the town's logo (the town_logo view), or None without one."""
    version = town_logo_version(municipality=municipality)
    if version is None:
        return None
    return reverse("town-logo", kwargs={"town": municipality.slug}) + f"?v={version}"
