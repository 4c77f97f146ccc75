from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "commune.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models import IntegerField
        from django.urls import register_converter

        from .bounds import IdConverter, IntegerFieldIn

        register_converter(IdConverter, "id")  # ids in every URL pattern (see bounds.py)
        IntegerField.register_lookup(IntegerFieldIn)  # `in` with ids past the column's range

        from .gdal_safety import gdal_network_off

        gdal_network_off()  # uploads reach GDAL: it must not reach the network (see the module)
