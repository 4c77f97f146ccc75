"""The town's own pages under /<town>/ (its home page and logo); config/urls.py mounts them with
every module's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.town_home, name="town-home"),
    path("logo.png", views.town_logo, name="town-logo"),
]
