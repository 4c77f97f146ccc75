from django.urls import path

from .views import (
    applicant,
    basemap,
    conditions,
    deemed,
    following,
    overview,
    request_form,
    staff,
    staff_category,
)

app_name = "permits"

urlpatterns = [
    path("", applicant.permit_mine, name="mine"),
    path("new/", request_form.permit_new, name="new"),
    path("addresses/", request_form.address_suggestions, name="addresses"),
    path("corners/", request_form.area_corners, name="corners"),
    path("<id:permit_id>/", applicant.permit_detail, name="detail"),
    path("<id:permit_id>/edit/", request_form.permit_edit, name="edit"),
    path("<id:permit_id>/submit/", applicant.permit_submit, name="submit"),
    path("<id:permit_id>/withdraw/", applicant.permit_withdraw, name="withdraw"),
    path("<id:permit_id>/follow/", following.permit_follow, name="follow"),
    path("<id:permit_id>/supplement/", applicant.permit_supplement, name="supplement"),
    path(
        "<id:permit_id>/complements/<id:complement_id>/",
        applicant.complement_answer,
        name="complement-answer",
    ),
    path(
        "<id:permit_id>/works/start/", applicant.works_step, {"step": "start"}, name="works-start"
    ),
    path("<id:permit_id>/works/end/", applicant.works_step, {"step": "end"}, name="works-end"),
    path(
        "<id:permit_id>/works/reinstated/",
        applicant.works_step,
        {"step": "reinstated"},
        name="works-reinstated",
    ),
    path(
        "<id:permit_id>/works/extension/",
        applicant.works_step,
        {"step": "extension"},
        name="works-extension",
    ),
    path(
        "<id:permit_id>/files/<id:attachment_id>/",
        applicant.attachment_download,
        name="attachment",
    ),
    path("staff/", staff.queue, name="queue"),
    path("staff/layers/", staff.layers, name="layers"),
    path("staff/deemed-opinions/", deemed.deemed_opinions, name="deemed"),
    path("staff/conditions/", conditions.condition_list, name="conditions"),
    path("staff/conditions/<id:condition_id>/", conditions.condition_edit, name="condition-edit"),
    path(
        "staff/conditions/<id:condition_id>/retire/",
        conditions.condition_retire,
        name="condition-retire",
    ),
    path("staff/addresses/", staff.address_layer, name="address-layer"),
    path("staff/map/", overview.staff_map, name="staff-map"),
    path("staff/basemap/", basemap.basemap_settings, name="basemap"),
    path("staff/map.geojson", overview.staff_map_geojson, name="staff-map-geojson"),
    path("staff/stats/", overview.staff_stats, name="stats"),
    path("staff/<id:permit_id>/", staff.staff_detail, name="staff-detail"),
    path("staff/<id:permit_id>/decide/", staff.permit_decide, name="decide"),
    path("staff/<id:permit_id>/abandon/", staff.permit_abandon, name="abandon"),
    path("staff/<id:permit_id>/complement/", staff.permit_complement, name="complement"),
    path("staff/<id:permit_id>/services/", staff.service_add, name="service-add"),
    path("staff/<id:permit_id>/inspect/", staff.permit_inspect, name="inspect"),
    path(
        "staff/<id:permit_id>/road-category/",
        staff_category.permit_category,
        name="road-category",
    ),
    path("staff/tasks/<id:task_id>/", staff.task_review, name="review"),
    path("staff/tasks/<id:task_id>/remove/", staff.task_remove, name="task-remove"),
    path("staff/extensions/<id:extension_id>/", staff.extension_decide, name="extension-decide"),
]
