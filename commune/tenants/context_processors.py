from .selectors import town_logo_url

#: Each module appends a function request -> list of {"url", "label"} for the town's
#: navigation (called only on town pages; a module checks its own enablement and roles).
NAV_PROVIDERS: list = []


def town(request):
    municipality = getattr(request, "municipality", None)
    links = []
    if municipality is not None:
        for provider in NAV_PROVIDERS:
            links.extend(provider(request))
    return {
        "town": municipality,
        "town_nav_links": links,
        "town_logo_url": town_logo_url(municipality=municipality) if municipality else None,
    }
