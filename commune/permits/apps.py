from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "commune.permits"
    label = "permits"
    verbose_name = _("Excavation permits")

    def ready(self):
        from commune.core.audit import actions_register

        from .audit_actions import LABELS

        actions_register(LABELS)
        from commune.tenants.context_processors import NAV_PROVIDERS

        from .navigation import permit_nav_links

        if permit_nav_links not in NAV_PROVIDERS:
            NAV_PROVIDERS.append(permit_nav_links)
