"""Invoices and credit notes, their lines, the payments received and the reminders sent."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commune.tenants.models import TenantModel

from .fields import Country, chf


class Invoice(TenantModel):
    """What a debtor owes the town (or, as a credit note, what the town gives back on an earlier
    invoice). It knows its source by kind and id (`permit`, 42, `PLY-2026-0005`), never by a
    foreign key, so that billing imports none of the modules that bill. Its status only changes
    through billing/workflow.py."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        # "invoice" context: French and Italian agree the word with "facture" / "fattura"
        OPEN = "open", pgettext_lazy("invoice", "Open")
        PARTLY_PAID = "partly_paid", pgettext_lazy("invoice", "Partly paid")
        PAID = "paid", pgettext_lazy("invoice", "Paid")
        REMINDED = "reminded", pgettext_lazy("invoice", "Reminded")
        CANCELLED = "cancelled", pgettext_lazy("invoice", "Cancelled")
        REFUNDED = "refunded", pgettext_lazy("invoice", "Refunded")

    number = models.CharField(_("number"), max_length=20)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    source_kind = models.CharField(_("source"), max_length=30, db_index=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_label = models.CharField(_("source reference"), max_length=60, blank=True)
    # Why the source billed ("grant", "extension-7"…): one invoice per source and purpose, so a
    # repeated grant issues nothing new (services/invoices.py: invoice_issue).
    purpose = models.CharField(_("purpose"), max_length=60)
    debtor_name = models.CharField(_("debtor"), max_length=70)
    debtor_street = models.CharField(_("street"), max_length=70, blank=True)
    debtor_building_number = models.CharField(_("building number"), max_length=16, blank=True)
    debtor_postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    debtor_town = models.CharField(_("town"), max_length=35, blank=True)
    debtor_country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.CH
    )
    debtor_email = models.EmailField(_("debtor e-mail"), blank=True)
    debtor_language = models.CharField(_("language"), max_length=8, default="fr")
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default="CHF")
    total = chf(_("total"))
    amount_paid = chf(_("amount paid"), default=Decimal("0"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reference = models.CharField(_("payment reference"), max_length=27)
    cancelled_reason = models.TextField(_("reason for the cancellation"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    url_kwarg = "invoice_id"

    class Meta:
        ordering = ["-issued_on", "-sequence"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="billing_invoice_number_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "year", "sequence"], name="billing_invoice_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="billing_invoice_reference_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "source_kind", "source_id", "purpose"],
                condition=Q(source_id__isnull=False),
                name="billing_invoice_one_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(amount_paid__gte=0),
                name="billing_invoice_amounts_positive",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "source_kind", "source_id"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def debtor_address_lines(self) -> list[str]:
        street = " ".join(p for p in (self.debtor_street, self.debtor_building_number) if p)
        town = " ".join(p for p in (self.debtor_postcode, self.debtor_town) if p)
        return [line for line in (self.debtor_name, street, town) if line]


class InvoiceLine(TenantModel):
    """One line of an invoice; its item kind picks the revenue account in the export."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_price = chf(_("unit price"))
    amount = chf(_("amount"))
    item_kind = models.CharField(_("item kind"), max_length=40)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="billing_invoiceline_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} #{self.position} {self.label}"


class Payment(TenantModel):
    """Money received for an invoice: from a bank file's entry (automatic) or recorded by
    finance (then `recorded_by` says who)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = chf(_("amount"))
    booked_on = models.DateField(_("booked on"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    bank_entry = models.ForeignKey(
        "billing.BankEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("bank entry"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.TextField(_("note"), blank=True)
    # The key of the form that recorded it by hand: the same form sent twice records once.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    url_kwarg = "payment_id"

    class Meta:
        ordering = ["booked_on", "id"]
        verbose_name = _("payment")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive"),
            models.UniqueConstraint(
                fields=["municipality", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="billing_payment_submission_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount} ({self.booked_on})"


class Reminder(TenantModel):
    """A reminder sent for an overdue invoice, with its fee and the new due date."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    level = models.PositiveSmallIntegerField(_("level"))
    sent_on = models.DateField(_("sent on"))
    fee = chf(_("fee"), default=Decimal("0"))
    due_on = models.DateField(_("new due date"))

    class Meta:
        ordering = ["invoice", "level"]
        verbose_name = _("reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "level"], name="billing_reminder_level_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} #{self.level}"
