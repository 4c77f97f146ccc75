from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from commune.tenants.extensions import home_card_register, nav_register


class HelpConfig(AppConfig):
    name = "commune.help"
    label = "help"
    verbose_name = _("Neighbourhood help")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register  # noqa: PLC0415
        from commune.tenants.models import Module  # noqa: PLC0415

        from .navigation import help_home_card, help_nav_links  # noqa: PLC0415

        actions_register(
            {
                "neighbour_apply": _("asked to join neighbourhood help"),
                "neighbour_verify": _("neighbour's address verified"),
                "code_issue": _("verification letter issued"),
                "post_create": _("help request or offer posted"),
                "post_answer": _("help offered or asked"),
                "post_match": _("help matched"),
                "post_close": _("help request closed"),
                "post_follow_up": _("call-back date set"),
                "caller_create": _("caller entered"),
                "post_report": _("help request reported"),
                "report_handled": _("report handled"),
            }
        )
        from commune.agenda.hooks import occurrence_link_register  # noqa: PLC0415

        from .views.agenda import register_caller_link  # noqa: PLC0415
        from .views.neighbours import accompany_link  # noqa: PLC0415

        occurrence_link_register(accompany_link)
        occurrence_link_register(register_caller_link)
        nav_register(help_nav_links)
        home_card_register(Module.HELP, help_home_card)
