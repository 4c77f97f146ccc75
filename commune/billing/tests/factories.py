"""Billing test helpers: a town's settings and an issued invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from commune.billing.models import BankEntry, BankFile, BillingSettings, Invoice
from commune.billing.references import qrr_for
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


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A bare invoice row (the isolation test's); tests of behaviour use `issue()`."""

    class Meta:
        model = Invoice

    year = 2026
    sequence = factory.Sequence(lambda n: 90000 + n)
    number = factory.LazyAttribute(lambda o: f"F-{o.year}-{o.sequence:05d}")
    reference = factory.LazyAttribute(lambda o: qrr_for(year=o.year, sequence=o.sequence))
    source_kind = "permit"
    source_id = factory.Sequence(lambda n: 50000 + n)
    purpose = "grant"
    debtor_name = "Romande Energie SA"
    issued_on = dt.date(2026, 5, 4)
    due_on = dt.date(2026, 6, 3)
    total = Decimal("100.00")


class BankFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankFile

    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    filename = factory.Sequence(lambda n: f"camt054-{n}.xml")
    kind = BankFile.Kind.CAMT054
    imported_at = factory.LazyFunction(timezone.now)


class BankEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankEntry

    bank_file = factory.LazyAttribute(lambda o: BankFileFactory(municipality=o.municipality))
    entry_ref = factory.Sequence(lambda n: f"ENTRY-{n}")
    amount = Decimal("100.00")
    outcome = BankEntry.Outcome.UNKNOWN
