from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .audit_actions import LABELS


class BillingConfig(AppConfig):
    name = "commune.billing"
    label = "billing"
    verbose_name = _("Invoices and payments")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register  # noqa: PLC0415
        from commune.tenants.extensions import nav_register  # noqa: PLC0415

        from .navigation import billing_nav_links  # noqa: PLC0415

        actions_register(LABELS)
        nav_register(billing_nav_links)
