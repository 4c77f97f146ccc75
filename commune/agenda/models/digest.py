"""The weekly e-mail digest: who asked for which categories, confirmed by a link (double
opt-in), and the week last sent (so that the weekly job sends once per week)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel


class DigestSubscription(TenantModel):
    """An address that gets the coming week's activities of its `categories` every week, once
    confirmed and until unsubscribed. One row per address and town; subscribing again renews
    it (new choices, confirmation asked again)."""

    email = models.EmailField(_("e-mail"))
    categories = models.JSONField(_("categories"), default=list)
    language = models.CharField(_("language"), max_length=8, default="fr")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    #: The Monday of the last week whose digest was sent (the weekly job's claim).
    last_sent_week = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["email"]
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"], name="agenda_digest_email_unique"
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
