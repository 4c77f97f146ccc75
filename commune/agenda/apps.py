from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from commune.tenants.extensions import home_card_register, nav_register


class AgendaConfig(AppConfig):
    name = "commune.agenda"
    label = "agenda"
    verbose_name = _("Community agenda")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register  # noqa: PLC0415
        from commune.tenants.models import Module  # noqa: PLC0415

        from .navigation import agenda_home_card, agenda_nav_links  # noqa: PLC0415

        actions_register(
            {
                "event_create": _("event created"),
                "event_update": _("event changed"),
                "event_submit": _("event submitted"),
                "event_publish": _("event published"),
                "event_reject": _("event rejected"),
                "event_cancel": _("event cancelled"),
                "event_date_change": _("one date of an event changed"),
                "organisation_trust": _("organisation trusted for the agenda"),
                "venue_save": _("venue saved"),
                "registration_create": _("registration"),
                "registration_cancel": _("registration cancelled"),
                "registration_offer": _("freed place offered to the next person waiting"),
                "registration_confirm": _("offered place taken"),
                "registration_accompanied": _("registered person comes accompanied (or not)"),
                "letters_print": _("day's registration letters printed"),
                "registration_called": _("person called about their registration"),
            }
        )
        nav_register(agenda_nav_links)
        home_card_register(Module.AGENDA, agenda_home_card)
