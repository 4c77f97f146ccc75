"""Everything under /<town>/. Each module adds its own include here."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.town_home, name="town-home"),
    path("logo.png", views.town_logo, name="town-logo"),
    path("manage/", include("commune.tenants.manage_urls")),
    path("permits/", include("commune.permits.urls")),
    path("works/", include("commune.permits.public.urls")),
    path("ogcapi/", include("commune.permits.public.ogc_urls")),
    path("mobility/", include("commune.mobility.urls")),
]
