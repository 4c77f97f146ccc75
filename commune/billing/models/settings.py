"""What a town sets for its invoices: the creditor, the account, the terms, the account codes."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban

from commune.tenants.models import TenantModel

from .fields import Country, chf

#: The institution ids (IID, positions 5-9 of a Swiss IBAN) reserved for QR-IBANs (SIX).
QR_IID_RANGE = (30000, 31999)


def iban_compact(value: str) -> str:
    return stdnum_iban.compact(value or "")


def iban_is_qr(value: str) -> bool:
    """A QR-IBAN: a Swiss or Liechtenstein IBAN whose IID lies in 30000-31999; it takes a QR
    reference (QRR) only."""
    compact = iban_compact(value)
    if compact[:2] not in ("CH", "LI") or not compact[4:9].isdigit():
        return False
    return QR_IID_RANGE[0] <= int(compact[4:9]) <= QR_IID_RANGE[1]


def default_revenue_accounts() -> dict[str, str]:
    return {"permit_fee": "4210", "deposit": "2006", "reminder_fee": "4290"}


class BillingSettings(TenantModel):
    """One row per town: who the creditor is, the account paid into (a QR-IBAN, then invoices
    carry a QR reference, or a plain IBAN, then a creditor reference), the payment terms, the
    reminders and the account codes of the accounting export. Set by the town's administrator."""

    creditor_name = models.CharField(_("creditor name"), max_length=70)
    creditor_street = models.CharField(_("street"), max_length=70, blank=True)
    creditor_building_number = models.CharField(_("building number"), max_length=16, blank=True)
    creditor_postcode = models.CharField(_("postcode"), max_length=16)
    creditor_town = models.CharField(_("town"), max_length=35)
    creditor_country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.CH
    )
    account_iban = models.CharField(
        _("account (QR-IBAN or IBAN)"),
        max_length=34,
        help_text=_(
            "A QR-IBAN: invoices carry a QR reference. A plain IBAN: they carry a creditor "
            "reference (RF)."
        ),
    )
    payment_term_days = models.PositiveSmallIntegerField(_("payment term (days)"), default=30)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("reminder after the due date (days)"), default=10
    )
    reminder_fee = chf(_("reminder fee (CHF)"), default=Decimal("20.00"))
    reminders_max = models.PositiveSmallIntegerField(_("reminders at most"), default=2)
    receivables_account = models.CharField(_("receivables account"), max_length=20, default="1012")
    bank_account = models.CharField(_("bank account code"), max_length=20, default="1020")
    revenue_accounts = models.JSONField(
        _("revenue account by item kind"), default=default_revenue_accounts, blank=True
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="billing_settings_one_per_town")
        ]

    def __str__(self) -> str:
        return self.creditor_name

    @property
    def uses_qr_reference(self) -> bool:
        return iban_is_qr(self.account_iban)

    def clean(self) -> None:
        super().clean()
        self.account_iban = iban_compact(self.account_iban)
        if not stdnum_iban.is_valid(self.account_iban):
            raise ValidationError({"account_iban": _("This IBAN is not valid (check digits).")})
        if self.account_iban[:2] not in ("CH", "LI"):
            raise ValidationError(
                {"account_iban": _("A QR-bill is paid into a Swiss or Liechtenstein account.")}
            )
        if not isinstance(self.revenue_accounts, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.revenue_accounts.items()
        ):
            raise ValidationError(
                {"revenue_accounts": _("Give each item kind its account code, as text.")}
            )
