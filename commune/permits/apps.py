from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from commune.accounts.sections import organisation_section_register
from commune.tenants.extensions import home_card_register, nav_register

from .audit_actions import LABELS


class PermitsConfig(AppConfig):
    name = "commune.permits"
    label = "permits"
    verbose_name = _("Excavation permits")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register  # noqa: PLC0415
        from commune.tenants.models import Module  # noqa: PLC0415

        from .navigation import permit_home_card, permit_nav_links  # noqa: PLC0415
        from .organisation_page import api_tokens_section  # noqa: PLC0415

        actions_register(LABELS)
        organisation_section_register(api_tokens_section)
        nav_register(permit_nav_links)
        home_card_register(Module.PERMITS, permit_home_card)
