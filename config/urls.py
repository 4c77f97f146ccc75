from django.contrib import admin
from django.urls import include, path

from commune.core import views as core_views
from commune.tenants import views as tenant_views

admin.site.site_header = "commune — administration de la plateforme"

# Everything under /<town>/, mounted here where every app is known (the apps below config
# know only the layers beneath them: docs/architecture.md). A module's pages carry its name
# as their namespace: TownMiddleware answers 404 where the town has not enabled it.
town_patterns = [
    path("", include("commune.tenants.town_urls")),
    path("manage/", include("commune.accounts.manage_urls")),
    path("permits/", include("commune.permits.urls")),
    path("works/", include("commune.permits.public.urls")),
    path("ogcapi/", include("commune.permits.public.ogc_urls")),
    path("mobility/", include("commune.mobility.urls")),
    path("billing/", include("commune.billing.urls")),
    path("agenda/", include("commune.agenda.urls")),
    path("help/", include("commune.help.urls")),
]

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/worker", core_views.healthz_worker, name="healthz-worker"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("commune.accounts.urls")),
    path("accounts/", include("commune.permits.token_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("commune.api.urls")),
    path("<slug:town>/", include(town_patterns)),
]

# No route serves MEDIA_ROOT, not even under DEBUG: uploaded files are private and leave only
# through views that check access (commune/core/files.py).

handler400 = "commune.core.views.bad_request"
handler403 = "commune.core.views.permission_denied"
handler404 = "commune.core.views.page_not_found"
handler500 = "commune.core.views.server_error"
