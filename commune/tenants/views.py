from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commune.core.files import private_file_response

from .extensions import home_card
from .selectors import municipality_list, town_logo_is_png, town_logo_version


def platform_home(request):
    return render(request, "tenants/platform_home.html", {"towns": municipality_list()})


def town_home(request):
    town = request.municipality
    cards = [{"module": m, **home_card(m, town)} for m in town.enabled_modules()]
    return render(request, "tenants/town_home.html", {"cards": cards})


@require_GET
def town_logo(request):
    """The town's logo, public like its pages. Only a PNG made by the logo service is served
    (an older SVG restored from a backup is not); a versioned address may be cached for good."""
    town = request.municipality
    version = town_logo_version(municipality=town)
    if version is None or not town_logo_is_png(municipality=town):
        raise Http404
    cache = "public, max-age=300"
    if request.GET.get("v") == version:
        cache = "public, max-age=31536000, immutable"
    return private_file_response(
        town.logo, filename="logo.png", content_type="image/png", inline=True, cache=cache
    )
