"""Registrations for one date of an event, within the date's capacity, with a waitlist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .event import Event


class Registration(TenantModel):
    """A person registered for one date of an event (`original_start`, the date's key), by
    themselves online or by staff "on behalf of" someone at the counter or on the phone (a
    name and a phone number, no account needed). Past the capacity a registration waits; a
    place that frees up is offered to the first waiting, who has until `offered_until`."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waitlist")
        OFFERED = "offered", _("Place offered, to confirm")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Offer expired")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("At the counter")
        PHONE = "phone", _("By phone")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    original_start = models.DateTimeField(_("date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    offered_until = models.DateTimeField(_("offer valid until"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start", "user"],
                condition=models.Q(user__isnull=False),
                name="registration_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"
