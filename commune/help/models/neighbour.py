"""The town's neighbourhoods and the residents who joined the help network, with the codes
that prove their address (sent by post, or replaced by the coordinator's check at the counter).

The agenda has no neighbourhood model (its events carry a name only), so help has its own."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import LV95, TenantModel


class Neighbourhood(TenantModel):
    """A named part of the town (Pully: Centre, Rosiaz, Chamblandes…); its area is optional."""

    name = models.CharField(_("name"), max_length=80)
    area = models.MultiPolygonField(_("area"), srid=LV95, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="help_quarter_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Neighbour(TenantModel):
    """A resident who asked to join: their address, its LV95 point and their phone are seen by
    the coordinator only. Verified by a code sent by post or at the counter (ID checked)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Address not yet verified")
        VERIFIED = "verified", _("Verified")

    class Channel(models.TextChoices):
        POST = "post", _("Code sent by post")
        COUNTER = "counter", _("At the counter")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    locality = models.CharField(_("locality"), max_length=80)
    location = models.PointField(_("position of the address"), srid=LV95, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    channel = models.CharField(
        _("verification"), max_length=8, choices=Channel.choices, default=Channel.POST
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The safety rules were shown and accepted before the first post.
    rules_accepted_at = models.DateTimeField(null=True, blank=True)

    url_kwarg = "neighbour_id"

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("neighbour")
        verbose_name_plural = _("neighbours")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "user"], name="help_neighbour_unique")
        ]

    def __str__(self) -> str:
        return self.user.full_name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class VerificationCode(TenantModel):
    """One code printed on one letter: stored hashed, single use, valid until `expires_at`,
    locked after a few wrong tries. A new letter replaces the codes before it."""

    neighbour = models.ForeignKey(Neighbour, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("verification code")

    def __str__(self) -> str:
        return f"{self.neighbour} ({self.expires_at:%Y-%m-%d})"


class Block(TenantModel):
    """A neighbour blocks another: neither sees the other's posts nor can answer them."""

    blocker = models.ForeignKey(Neighbour, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(Neighbour, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("block")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="help_block_unique")
        ]

    def __str__(self) -> str:
        return f"{self.blocker} ⊘ {self.blocked}"
