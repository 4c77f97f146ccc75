from django.urls import path

from . import views

app_name = "mobility"

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/<int:import_id>/", views.import_detail, name="import-detail"),
]
