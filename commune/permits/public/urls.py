"""/<town>/works/…: the public works layer, the verification page and the permit PDFs."""

from django.urls import path

from . import views

app_name = "works"

urlpatterns = [
    path("", views.works_map, name="map"),
    path("works.geojson", views.works_geojson, name="geojson"),
    path("closures.ics", views.closures_ics, name="closures"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("documents/<id:permit_id>/permit.pdf", views.permit_pdf, name="permit-pdf"),
    path("documents/<id:permit_id>/invoice.pdf", views.invoice_pdf, name="invoice-pdf"),
]
