from django.urls import path

from .views import evaluations, feeds, imports, observatory, opendata, timetable

app_name = "mobility"

urlpatterns = [
    path("imports/", imports.import_list, name="import-list"),
    path("imports/<id:import_id>/", imports.import_detail, name="import-detail"),
    path("imports/uploads/", imports.upload_create, name="upload-create"),
    path("imports/uploads/<id:upload_id>/", imports.upload_detail, name="upload-detail"),
    path(
        "imports/uploads/<id:upload_id>/preview/",
        imports.upload_preview,
        name="upload-preview",
    ),
    path("imports/feeds/", feeds.feed_list, name="feed-list"),
    path("imports/feeds/new/", feeds.feed_create, name="feed-create"),
    path("imports/feeds/<id:feed_id>/", feeds.feed_edit, name="feed-edit"),
    path("imports/feeds/<id:feed_id>/pull/", feeds.feed_pull, name="feed-pull"),
    path("imports/feeds/<id:feed_id>/active/", feeds.feed_active, name="feed-active"),
    path("imports/feeds/<id:feed_id>/delete/", feeds.feed_delete, name="feed-delete"),
    path("departures/", timetable.departures, name="departures"),
    path("", observatory.observatory_page, name="observatory"),
    path("export.csv", observatory.export_csv, name="export-csv"),
    path("export.parquet", observatory.export_parquet, name="export-parquet"),
    path("export.geojson", observatory.export_geojson, name="export-geojson"),
    path("open/", opendata.observatory_open, name="observatory-open"),
    path("open/export.csv", opendata.export_open_csv, name="export-open-csv"),
    path("open/export.parquet", opendata.export_open_parquet, name="export-open-parquet"),
    path("open/export.geojson", opendata.export_open_geojson, name="export-open-geojson"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation-list"),
    path(
        "evaluations/<id:evaluation_id>/",
        evaluations.evaluation_detail,
        name="evaluation-detail",
    ),
    path(
        "evaluations/<id:evaluation_id>/report.html",
        evaluations.evaluation_report_html,
        name="evaluation-report-html",
    ),
    path(
        "evaluations/<id:evaluation_id>/report.pdf",
        evaluations.evaluation_report_pdf,
        name="evaluation-report-pdf",
    ),
]
