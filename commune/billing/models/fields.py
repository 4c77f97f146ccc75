"""Field shapes every billing model shares: amounts in CHF and a structured postal address."""

from __future__ import annotations

from django.db import models


def chf(verbose_name, **kwargs) -> models.DecimalField:
    """An amount in Swiss francs, to the centime."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Country(models.TextChoices):
    CH = "CH", "Suisse / Schweiz / Svizzera"
    LI = "LI", "Liechtenstein"
    FR = "FR", "France"
    DE = "DE", "Deutschland"
    IT = "IT", "Italia"
    AT = "AT", "Österreich"
