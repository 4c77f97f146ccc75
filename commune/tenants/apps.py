from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "commune.tenants"
    label = "tenants"
    verbose_name = _("Municipalities")

    def ready(self):
        from commune.core.audit import actions_register

        actions_register(
            {
                "update_settings": _("town settings changed"),
                "create": _("created"),
                "update": _("changed"),
            }
        )
