"""Absolute links that leave the request: in e-mails, on PDFs (the permit's QR code), in
calendar feeds. Whoever opens them later trusts them, so they are built from the installation's
configured address (settings.COMMUNE_BASE_URL) or, for a town served at its own domain name,
from that name (a Domain row) — never from the request's Host header, which the client chooses
and which a catch-all proxy passes through. Links in a page answered to the request itself stay
relative."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from .models import Municipality
from .selectors import municipality_for_host


def town_domain(municipality: Municipality) -> str:
    """The town's own domain name (its first), or "" when it has none."""
    return municipality.domains.order_by("pk").values_list("domain", flat=True).first() or ""


def base_url(municipality: Municipality | None = None) -> str:
    """Scheme and host for links, without a trailing slash."""
    configured = settings.COMMUNE_BASE_URL.rstrip("/")
    domain = town_domain(municipality) if municipality is not None else ""
    if not domain:
        return configured
    return f"{urlsplit(configured).scheme or 'https'}://{domain}"


def absolute_url(path: str, *, municipality: Municipality | None = None) -> str:
    """`path` (from reverse()) as an absolute link; on a town's own domain the town is served at
    the root, so its `/<slug>` prefix is dropped."""
    if municipality is not None and town_domain(municipality):
        prefix = f"/{municipality.slug}"
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :] or "/"
    return base_url(municipality) + path


def town_of_request(request) -> Municipality | None:
    """The town whose link base a request's mails use: the town of the page, else the town whose
    own domain name the request came on (the Host is only looked up, never copied into a link).
    """
    town = getattr(request, "municipality", None)
    if town is not None:
        return town
    return municipality_for_host(host=request.get_host())
