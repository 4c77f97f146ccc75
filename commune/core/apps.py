from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "commune.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.urls import register_converter

        from .bounds import IdConverter

        register_converter(IdConverter, "id")  # ids in every URL pattern (see bounds.py)
