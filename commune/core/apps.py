from django.apps import AppConfig
from django.db.models import IntegerField
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .bounds import IdConverter, IntegerFieldIn
from .gdal_safety import gdal_network_off


class CoreConfig(AppConfig):
    name = "commune.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        register_converter(IdConverter, "id")  # ids in every URL pattern (see bounds.py)
        IntegerField.register_lookup(IntegerFieldIn)  # `in` with ids past the column's range
        gdal_network_off()  # uploads reach GDAL: it must not reach the network (see the module)
