"""Choice lists shared by several permit models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkKind(models.TextChoices):
    WATER = "water", _("Water")
    GAS = "gas", _("Gas")
    ELECTRICITY = "electricity", _("Electricity")
    TELECOM = "telecom", _("Telecom")
    DISTRICT_HEATING = "district_heating", _("District heating")
    SEWER = "sewer", _("Sewer")
    OTHER = "other", _("Other")


class RoadClosure(models.TextChoices):
    NONE = "none", _("No closure")
    ONE_LANE = "one_lane", _("One lane closed")
    FULL = "full", _("Road fully closed")


class RoadCategory(models.TextChoices):
    LOCAL = "local", _("Local road")
    COLLECTOR = "collector", _("Collector road")
    MAIN = "main", _("Main road")
