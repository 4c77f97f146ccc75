"""The mail that sends an invoice or a credit note to its debtor, the PDF (with its QR-bill)
attached. A module that issues an invoice calls `invoice_mail_later` (services cannot: the
PDF reads what services compute)."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from commune.core.mail import mail_send
from commune.tenants import scoping

from .models import BillingSettings, Invoice
from .pdf import invoice_pdf
from .services.payments import invoice_balance

logger = logging.getLogger("commune.billing")


def invoice_mail_later(invoice: Invoice) -> None:
    """Send the invoice to its debtor once the transaction that issued it commits."""
    if invoice.debtor_email:
        transaction.on_commit(lambda pk=invoice.pk: billing_invoice_mail.enqueue(invoice_id=pk))


@task()
def billing_invoice_mail(*, invoice_id: int) -> int:
    with scoping.scopes_disabled():
        town = Invoice.objects.select_related("municipality").get(pk=invoice_id).municipality
    with scoping.scope(town):
        invoice = Invoice.objects.select_related("corrects").get(pk=invoice_id)
        sent = invoice_mail_send(invoice=invoice, template="billing_invoice")
    logger.info("invoice mail sent", extra={"invoice": invoice_id, "sent": sent})
    return sent


def invoice_mail_send(*, invoice: Invoice, template: str, context: dict | None = None) -> int:
    """Mail `template` to the invoice's debtor in their language, the invoice's PDF (with its
    QR-bill, its balance of today) attached; 0 when there is no address or no creditor yet.
    Called inside the town's scope."""
    town = invoice.municipality
    settings = BillingSettings.objects.filter(municipality=town).first()
    if settings is None or not invoice.debtor_email:
        return 0
    language = invoice.debtor_language or town.default_language
    pdf = invoice_pdf(invoice=invoice, settings=settings, language=language)
    return mail_send(
        to=invoice.debtor_email,
        template=template,
        context={
            "invoice": invoice,
            "town": town,
            "settings": settings,
            "balance": invoice_balance(invoice),
            **(context or {}),
        },
        language=language,
        attachments=[(f"{invoice.number}.pdf", pdf, "application/pdf")],
    )
