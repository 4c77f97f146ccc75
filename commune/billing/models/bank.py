"""Bank files (ISO 20022 camt.053/054) and their entries, matched to invoices."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .fields import chf
from .invoice import Invoice


class BankFile(TenantModel):
    """A statement (camt.053) or notification (camt.054) imported once: the same file again,
    by its content or its message id, changes nothing."""

    class Kind(models.TextChoices):
        CAMT053 = "camt.053", "camt.053"
        CAMT054 = "camt.054", "camt.054"

    sha256 = models.CharField(max_length=64)
    filename = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    message_id = models.CharField(_("message id"), max_length=35, blank=True)
    account_iban = models.CharField(_("account"), max_length=34, blank=True)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    counts = models.JSONField(_("entries by outcome"), default=dict, blank=True)

    url_kwarg = "bank_file_id"

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("bank file")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sha256"], name="billing_bankfile_sha256_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "message_id"],
                condition=~Q(message_id=""),
                name="billing_bankfile_message_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class BankEntry(TenantModel):
    """One credit (or debit) of a bank file and where matching put it; the finance exceptions
    queue holds the partial, overpaid, unknown and duplicate entries not yet resolved."""

    class Outcome(models.TextChoices):
        PAID = "paid", _("Paid")
        PARTIAL = "partial", _("Partial payment")
        OVERPAID = "overpaid", _("Overpaid")
        UNKNOWN = "unknown", _("Unknown reference")
        DUPLICATE = "duplicate", _("Duplicate")
        IGNORED = "ignored", _("Ignored")

    EXCEPTIONS = (Outcome.PARTIAL, Outcome.OVERPAID, Outcome.UNKNOWN, Outcome.DUPLICATE)

    bank_file = models.ForeignKey(BankFile, on_delete=models.PROTECT, related_name="entries")
    # The bank's own reference of the transaction (AcctSvcrRef), else a digest of its stable
    # fields: the same entry in a later file is recognised.
    entry_ref = models.CharField(_("entry reference"), max_length=80)
    amount = chf(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="CHF")
    credit = models.BooleanField(_("credit"), default=True)
    booking_date = models.DateField(_("booking date"), null=True, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=35, null=True, blank=True)
    unstructured = models.TextField(_("communication"), blank=True)
    debtor_name = models.CharField(_("debtor"), max_length=140, blank=True)
    debtor_iban = models.CharField(_("debtor IBAN"), max_length=34, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, db_index=True)
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_entries",
        verbose_name=_("invoice"),
    )
    excess_amount = chf(_("excess amount"), default=Decimal("0"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_note = models.TextField(_("resolution"), blank=True)

    url_kwarg = "bank_entry_id"

    class Meta:
        ordering = ["-booking_date", "-id"]
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "entry_ref"], name="billing_bankentry_ref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_ref} {self.amount}"

    @property
    def is_exception(self) -> bool:
        return self.outcome in self.EXCEPTIONS and self.resolved_at is None
