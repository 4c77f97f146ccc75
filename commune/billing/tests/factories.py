"""Billing test helpers: a town's settings and an issued invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commune.billing.models import BillingSettings
from commune.billing.services.debtors import Debtor
from commune.billing.services.invoices import Line, invoice_issue

#: SIX's example QR-IBAN (IID 31999): valid check digits, no real account behind it.
QR_IBAN = "CH4431999123000889012"
#: A plain IBAN (IID 00762, not a QR-IBAN): invoices then carry an RF creditor reference.
PLAIN_IBAN = "CH9300762011623852957"


def billing_settings_for(municipality, *, iban: str = QR_IBAN, **extra) -> BillingSettings:
    values = {
        "creditor_name": f"Commune de {municipality.name}",
        "creditor_street": "Avenue du Prieuré",
        "creditor_building_number": "2",
        "creditor_postcode": "1009",
        "creditor_town": municipality.name,
        "account_iban": iban,
        **extra,
    }
    found, _created = BillingSettings.objects.update_or_create(
        municipality=municipality, defaults=values
    )
    return found


DEBTOR = Debtor(
    name="Romande Energie SA",
    street="Rue de Lausanne",
    building_number="53",
    postcode="1110",
    town="Morges",
    email="factures@romande.example.ch",
)


def issue(
    municipality,
    *,
    source_id: int = 1,
    amount: str = "175.60",
    purpose: str = "grant",
    issued_on: dt.date = dt.date(2026, 5, 4),
    debtor: Debtor = DEBTOR,
):
    return invoice_issue(
        municipality=municipality,
        source_kind="permit",
        source_id=source_id,
        source_label=f"PLY-2026-{source_id:04d}",
        purpose=purpose,
        debtor=debtor,
        lines=[Line(label="Émolument", unit_price=Decimal(amount), item_kind="permit_fee")],
        issued_on=issued_on,
    )
