from django.contrib import admin
from django.urls import include, path

from commune.core import views as core_views
from commune.tenants import views as tenant_views

admin.site.site_header = "commune — administration de la plateforme"

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/worker", core_views.healthz_worker, name="healthz-worker"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("commune.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("commune.api.urls")),
    path("<slug:town>/", include("commune.tenants.town_urls")),
]

# No route serves MEDIA_ROOT, not even under DEBUG: uploaded files are private and leave only
# through views that check access (commune/core/files.py).

handler400 = "commune.core.views.bad_request"
handler403 = "commune.core.views.permission_denied"
handler404 = "commune.core.views.page_not_found"
handler500 = "commune.core.views.server_error"
