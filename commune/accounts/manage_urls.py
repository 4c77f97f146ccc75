"""/<town>/manage/: the town's own administration (mounted by config/urls.py)."""

from django.urls import path

from .views import manage as views

app_name = "manage"

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_edit, name="department_new"),
    path("departments/<id:department_id>/", views.department_edit, name="department_edit"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<id:membership_id>/revoke/", views.role_revoke, name="role_revoke"),
]
