"""Demo billing: each demo town's creditor details (SIX's example QR-IBAN, which validates but
belongs to nobody), and among the invoices the demo's granted permits were billed (permits'
demo issues them), one paid and one overdue. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from commune.billing.demo_bank import bank_demo
from commune.billing.models import BillingSettings, Invoice
from commune.billing.services.payments import payment_record
from commune.tenants import scoping

#: SIX's example QR-IBAN (IID 31999): valid check digits, no real account behind it.
DEMO_QR_IBAN = "CH4431999123000889012"

CREDITORS = {
    "pully": ("Commune de Pully", "Avenue du Prieuré", "2", "1009", "Pully"),
}


def billing_settings_demo(town) -> BillingSettings:
    name, street, number, postcode, place = CREDITORS.get(
        town.slug, (f"Commune de {town.name}", "Place de l'Hôtel-de-Ville", "1", "1000", town.name)
    )
    settings, _created = BillingSettings.objects.get_or_create(
        municipality=town,
        defaults={
            "creditor_name": name,
            "creditor_street": street,
            "creditor_building_number": number,
            "creditor_postcode": postcode,
            "creditor_town": place,
            "account_iban": DEMO_QR_IBAN,
        },
    )
    return settings


def _paid_and_overdue(town) -> None:
    invoices = list(
        Invoice.objects.filter(municipality=town, kind=Invoice.Kind.INVOICE).order_by("sequence")
    )
    if len(invoices) < 2 or Invoice.objects.filter(municipality=town, status="paid").exists():
        return
    first, second = invoices[0], invoices[1]
    payment_record(
        invoice=first,
        amount=first.total,
        booked_on=timezone.localdate(),
        note="Démo : virement reçu",
    )
    # The second was issued 45 days ago: 15 days overdue, a reminder soon.
    issued = timezone.localdate() - dt.timedelta(days=45)
    Invoice.objects.filter(pk=second.pk).update(
        issued_on=issued, due_on=issued + dt.timedelta(days=30), amount_paid=Decimal("0")
    )


def load(towns) -> None:
    for town in towns:
        with scoping.scope(town):
            billing_settings_demo(town)
            _paid_and_overdue(town)
            bank_demo(town)
