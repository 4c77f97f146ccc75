"""Billing's forms: the town's settings, a cancellation, a payment recorded by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import BoundedDateField, DateWindow, bounded_formfields

from .models import BillingSettings


class BillingSettingsForm(forms.ModelForm):
    """Creditor, account (validated: IBAN check digits, Swiss or Liechtenstein, QR-IBAN or
    not), terms, reminders and account codes."""

    class Meta:
        model = BillingSettings
        fields = [
            "creditor_name",
            "creditor_street",
            "creditor_building_number",
            "creditor_postcode",
            "creditor_town",
            "creditor_country",
            "account_iban",
            "payment_term_days",
            "reminder_after_days",
            "reminder_fee",
            "reminders_max",
            "receivables_account",
            "bank_account",
            "revenue_accounts",
        ]
        widgets = {"revenue_accounts": forms.Textarea(attrs={"rows": 3})}
        # day counts within what the column stores (a number past it was a 500 on PostgreSQL)
        formfield_callback = bounded_formfields()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class PaymentForm(forms.Form):
    """A payment received outside the bank files (cash desk, a transfer without reference);
    the key makes a second submission of the same form record nothing more."""

    amount = forms.DecimalField(
        label=_("Amount (CHF)"), min_value=Decimal("0.05"), max_digits=12, decimal_places=2
    )
    booked_on = BoundedDateField(
        label=_("Received on"), window=DateWindow(years_before=5, years_after=0)
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    confirm = forms.BooleanField(
        label=_("I confirm that this amount was received for this invoice.")
    )
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_booked_on(self):
        value = self.cleaned_data["booked_on"]
        if value > self.today:
            raise ValidationError(_("A payment cannot be received in the future."))
        return value


class CreditForm(forms.Form):
    """A credit note on the invoice: how much comes off, and why (printed on it)."""

    amount = forms.DecimalField(
        label=_("Amount to credit (CHF)"),
        min_value=Decimal("0.05"),
        max_digits=12,
        decimal_places=2,
    )
    reason = forms.CharField(label=_("Reason"), max_length=150)
    confirm = forms.BooleanField(
        label=_("I confirm the credit note; the debtor receives it by e-mail.")
    )
    key = forms.UUIDField(widget=forms.HiddenInput)
