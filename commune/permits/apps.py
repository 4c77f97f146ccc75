from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "commune.permits"
    label = "permits"
    verbose_name = _("Excavation permits")

    def ready(self):
        from commune.tenants.context_processors import NAV_PROVIDERS

        from .navigation import permit_nav_links

        if permit_nav_links not in NAV_PROVIDERS:
            NAV_PROVIDERS.append(permit_nav_links)

        # commune.api.urls builds its URL patterns as soon as it is imported, after which
        # Ninja refuses new routers; so mount on the per-town router it includes instead.
        from commune.api import town as town_api
        from commune.api.permit_requests import router

        town_api.router.add_router("/permits", router)
