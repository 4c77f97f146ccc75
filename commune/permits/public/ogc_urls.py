"""/<town>/ogcapi/…: OGC API Features, one collection `works`."""

from django.urls import path

from . import ogcapi

app_name = "ogcapi"

urlpatterns = [
    path("", ogcapi.landing, name="landing"),
    path("conformance", ogcapi.conformance, name="conformance"),
    path("api", ogcapi.api_definition, name="openapi"),
    path("collections", ogcapi.collections, name="collections"),
    path("collections/works", ogcapi.collection, name="collection"),
    path("collections/works/items", ogcapi.items, name="items"),
    path("collections/works/items/<str:permit_id>", ogcapi.item, name="item"),
]
