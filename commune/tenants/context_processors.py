from .extensions import nav_links
from .selectors import town_logo_url


def town(request):
    municipality = getattr(request, "municipality", None)
    return {
        "town": municipality,
        "town_nav_links": nav_links(request) if municipality is not None else [],
        "town_logo_url": town_logo_url(municipality=municipality) if municipality else None,
    }
