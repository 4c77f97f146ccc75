"""Billing's audit actions, in words (shown in each invoice's history)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "invoice_issued": _("invoice issued"),
    "credit_note_issued": _("credit note issued"),
    "invoice_credited": _("invoice reduced by a credit note"),
    "credit_note_refunded": _("credit note refunded"),
    "invoice_cancelled": _("invoice cancelled"),
    "payment_recorded": _("payment recorded"),
    "deposit_held": _("deposit held"),
    "deposit_refund_proposed": _("deposit proposed for refund"),
    "deposit_refunded": _("deposit refunded"),
    "deposit_retained": _("deposit retained"),
    "billing_configured": _("billing settings changed"),
    "bank_file_imported": _("bank file imported"),
    "bank_entry_assigned": _("bank entry assigned to an invoice"),
    "bank_entry_resolved": _("bank entry resolved"),
    "reminder_sent": _("reminder sent"),
}
