"""The agenda's fixed vocabularies: categories, audiences, prices, languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CULTURE = "culture", _("Culture")
    MUSIC = "music", _("Music")
    SPORT = "sport", _("Sport and movement")
    MEAL = "meal", _("Meals and get-togethers")
    LEARNING = "learning", _("Courses and talks")
    OUTING = "outing", _("Walks and outings")
    MARKET = "market", _("Markets and fairs")
    CIVIC = "civic", _("Town life")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    SENIORS = "seniors", _("Seniors")
    FAMILIES = "families", _("Families")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")


class PriceKind(models.TextChoices):
    FREE = "free", _("Free")
    AMOUNT = "amount", _("Price")
    ON_SITE = "on_site", _("Paid on site")


class Language(models.TextChoices):
    FR = "fr", _("French")
    DE = "de", _("German")
    IT = "it", _("Italian")
    EN = "en", _("English")
