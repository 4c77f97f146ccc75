from django.shortcuts import render

from .selectors import municipality_list


def platform_home(request):
    return render(request, "tenants/platform_home.html", {"towns": municipality_list()})


def town_home(request):
    return render(
        request, "tenants/town_home.html", {"modules": request.municipality.enabled_modules()}
    )
