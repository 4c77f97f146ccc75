"""Where activities take place: a reusable record with its address, position and access."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, TenantModel

#: Each accessibility flag of a venue → OpenAgenda's accessibility code(s): hi (hearing), vi
#: (visual), mi (motor), pi (psychic), ii (intellectual). A venue has them, every event held
#: there shows them.
ACCESSIBILITY = {
    "step_free": ("mi",),
    "wheelchair_toilet": ("mi",),
    "seating": ("mi",),
    "hearing_loop": ("hi",),
    "tactile_guidance": ("vi",),
    "quiet_room": ("pi",),
    "easy_language": ("ii",),
}


class Venue(TenantModel):
    """A place of the town's activities (hall, library, park…), shared by every event held
    there, with the accessibility the organisers vouch for."""

    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=240)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    locality = models.CharField(_("locality"), max_length=80, blank=True)
    location = models.PointField(_("position"), srid=LV95, null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to="agenda/venues/", blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    wheelchair_toilet = models.BooleanField(_("wheelchair-accessible toilet"), default=False)
    seating = models.BooleanField(_("seating available"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    tactile_guidance = models.BooleanField(_("tactile guidance"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    easy_language = models.BooleanField(_("easy-to-read information"), default=False)

    url_kwarg = "venue_id"

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name

    def accessibility_features(self) -> list[tuple[str, str]]:
        """(flag, label) of every feature the venue has, in a fixed order."""
        return [
            (flag, self._meta.get_field(flag).verbose_name)
            for flag in ACCESSIBILITY
            if getattr(self, flag)
        ]

    def openagenda_codes(self) -> list[str]:
        codes = {
            code for flag in ACCESSIBILITY if getattr(self, flag) for code in ACCESSIBILITY[flag]
        }
        return sorted(codes)

    def wgs84(self) -> tuple[float, float] | None:
        """(latitude, longitude) for maps and feeds; stored in LV95."""
        if self.location is None:
            return None
        point = self.location.transform(4326, clone=True)
        return point.y, point.x

    def full_address(self) -> str:
        return ", ".join(p for p in (self.address, f"{self.postcode} {self.locality}".strip()) if p)
