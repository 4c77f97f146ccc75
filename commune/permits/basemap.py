"""The maps' background: the tiles of the town's WMTS (PermitSettings.basemap_url, swisstopo's
grey map by default), handed to the page's maps as data attributes, and the one origin the
page's Content-Security-Policy must admit for them (img-src), added to that response only."""

from __future__ import annotations

from django.conf import settings

from commune.permits.models.config import (
    DEFAULT_BASEMAP_ATTRIBUTION,
    DEFAULT_BASEMAP_URL,
    tile_origin,
)
from commune.permits.selectors import permit_settings_get

#: Where the template tag leaves the tiles' origin for the middleware, on the request.
REQUEST_ATTRIBUTE = "permits_basemap_origin"


def basemap_for(municipality) -> dict[str, str]:
    """The town's tile URL template and credit; the default map when the stored address is not
    one we accept (it was validated when saved, but a bad row must not open the policy)."""
    config = permit_settings_get(municipality=municipality)
    url = config.basemap_url
    try:
        origin = tile_origin(url)
    except ValueError:
        url, origin = DEFAULT_BASEMAP_URL, tile_origin(DEFAULT_BASEMAP_URL)
        return {"url": url, "attribution": DEFAULT_BASEMAP_ATTRIBUTION, "origin": origin}
    return {"url": url, "attribution": config.basemap_attribution, "origin": origin}


class BasemapPolicyMiddleware:
    """Adds the town's tile origin to img-src on the responses whose page drew a map (the
    `basemap` template tag marks the request); listed after django-csp's middleware so that
    it runs first on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origin = getattr(request, REQUEST_ATTRIBUTE, None)
        if origin and origin not in settings.MAP_TILE_ORIGINS:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            response._csp_update = update
        return response
