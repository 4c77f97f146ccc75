from django.urls import path

from . import views, views_evaluation, views_observatory

app_name = "mobility"

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/<id:import_id>/", views.import_detail, name="import-detail"),
    # the observatory (views_observatory.py, views_evaluation.py)
    path("", views_observatory.observatory_page, name="observatory"),
    path("export.csv", views_observatory.export_csv, name="export-csv"),
    path("export.parquet", views_observatory.export_parquet, name="export-parquet"),
    path("export.geojson", views_observatory.export_geojson, name="export-geojson"),
    path("open/", views_observatory.observatory_open, name="observatory-open"),
    path("open/export.csv", views_observatory.export_open_csv, name="export-open-csv"),
    path("open/export.parquet", views_observatory.export_open_parquet, name="export-open-parquet"),
    path("open/export.geojson", views_observatory.export_open_geojson, name="export-open-geojson"),
    path("evaluations/", views_evaluation.evaluation_list, name="evaluation-list"),
    path(
        "evaluations/<id:evaluation_id>/",
        views_evaluation.evaluation_detail,
        name="evaluation-detail",
    ),
    path(
        "evaluations/<id:evaluation_id>/report.html",
        views_evaluation.evaluation_report_html,
        name="evaluation-report-html",
    ),
    path(
        "evaluations/<id:evaluation_id>/report.pdf",
        views_evaluation.evaluation_report_pdf,
        name="evaluation-report-pdf",
    ),
]
