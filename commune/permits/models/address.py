"""The town's address layer, for the address search on the request form."""

from __future__ import annotations

import re
import unicodedata

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, TenantModel

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def address_key(text: str) -> str:
    """ "Chemin de la Dôle 3" -> "chemin de la dole 3": no accents, no case, no punctuation."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_WORD.sub(" ", plain).strip()


class Address(TenantModel):
    """One address point the town uploaded ("Avenue de Lavaux 12"), in LV95; `search_key` is
    the label without accents, case or punctuation, which the search matches against."""

    label = models.CharField(_("address"), max_length=200)
    point = models.PointField(_("location"), srid=LV95)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)

    url_kwarg = None

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["label"]
        indexes = [models.Index(fields=["municipality", "search_key"])]

    def __str__(self) -> str:
        return self.label
