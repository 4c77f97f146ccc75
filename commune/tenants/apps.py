from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from commune.core.backup import unscoped_register

from .scoping import scopes_disabled


class TenantsConfig(AppConfig):
    name = "commune.tenants"
    label = "tenants"
    verbose_name = _("Municipalities")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register  # noqa: PLC0415

        unscoped_register(scopes_disabled)
        actions_register(
            {
                "update_settings": _("town settings changed"),
                "create": _("created"),
                "update": _("changed"),
            }
        )
