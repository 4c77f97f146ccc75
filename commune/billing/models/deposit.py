"""Deposits a town holds until the work they guarantee is found sound."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .fields import chf
from .invoice import Invoice


class Deposit(TenantModel):
    """A sum collected by an invoice and held (e.g. the reinstatement deposit of an excavation
    permit) until it is refunded to its beneficiary or retained. One per source."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        REFUND_PROPOSED = "refund_proposed", _("Refund proposed")
        REFUNDED = "refunded", _("Refunded")
        RETAINED = "retained", _("Retained")

    source_kind = models.CharField(_("source"), max_length=30)
    source_id = models.PositiveBigIntegerField()
    source_label = models.CharField(_("source reference"), max_length=60, blank=True)
    amount = chf(_("amount"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.HELD, db_index=True
    )
    held_since = models.DateField(_("held since"))
    refund_proposed_on = models.DateField(_("refund proposed on"), null=True, blank=True)
    refunded_on = models.DateField(_("refunded on"), null=True, blank=True)
    beneficiary_name = models.CharField(_("beneficiary"), max_length=70, blank=True)
    beneficiary_iban = models.CharField(_("beneficiary IBAN"), max_length=34, blank=True)
    note = models.TextField(_("reason or note"), blank=True)
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposits",
        verbose_name=_("invoice"),
    )

    url_kwarg = "deposit_id"

    class Meta:
        ordering = ["-held_since", "-id"]
        verbose_name = _("deposit")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "source_kind", "source_id"],
                name="billing_deposit_one_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_label or self.source_kind} {self.amount}"
