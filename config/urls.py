from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from commune.core import views as core_views
from commune.tenants import views as tenant_views

admin.site.site_header = "commune — administration de la plateforme"

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("commune.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("commune.api.urls")),
    path("<slug:town>/", include("commune.tenants.town_urls")),
]

if settings.DEBUG:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler400 = "commune.core.views.bad_request"
handler403 = "commune.core.views.permission_denied"
handler404 = "commune.core.views.page_not_found"
handler500 = "commune.core.views.server_error"
