"""Demo bank file: a camt.054 of the demo town's account, imported as a bank would send it, so
that finance finds a file, a partial payment, an overpayment and an unknown payment in the
exceptions queue. Called by billing's demo.load after the invoices exist. Idempotent (the same
file twice changes nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from lxml import etree
from lxml.builder import ElementMaker

from commune.billing.models import BankFile, BillingSettings, Invoice
from commune.billing.services.bank import bank_file_import

NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
E = ElementMaker(namespace=NS, nsmap={None: NS})


def _entry(ref: str, amount: Decimal, day: dt.date, *, reference: str = "", text: str = ""):
    remittance = (
        E.RmtInf(
            E.Strd(
                E.CdtrRefInf(E.Tp(E.CdOrPrtry(E.Prtry("QRR"))), E.Ref(reference)),
            )
        )
        if reference
        else E.RmtInf(E.Ustrd(text))
    )
    return E.Ntry(
        E.Amt(f"{amount:.2f}", Ccy="CHF"),
        E.CdtDbtInd("CRDT"),
        E.RvslInd("false"),
        E.Sts(E.Cd("BOOK")),
        E.BookgDt(E.Dt(day.isoformat())),
        E.ValDt(E.Dt(day.isoformat())),
        E.AcctSvcrRef(f"{ref}-E"),
        E.NtryDtls(
            E.TxDtls(
                E.Refs(E.AcctSvcrRef(ref), E.EndToEndId("NOTPROVIDED")),
                E.Amt(f"{amount:.2f}", Ccy="CHF"),
                E.CdtDbtInd("CRDT"),
                E.RltdPties(
                    E.Dbtr(E.Pty(E.Nm("Génie Civil du Léman SA"))),
                    E.DbtrAcct(E.Id(E.IBAN("CH5604835012345678009"))),
                ),
                remittance,
            )
        ),
    )


def demo_camt054(*, iban: str, invoices: list[Invoice], day: dt.date) -> bytes:
    """Half of the first invoice open and not yet due, the first paid invoice paid again, and a
    payment without a reference."""
    entries = []
    # not yet due: the demo's overdue invoice stays unpaid, for the reminders
    open_ = [i for i in invoices if i.status == "open" and i.due_on >= day]
    paid = [i for i in invoices if i.status == "paid"]
    if open_:
        half = (open_[0].total / 2).quantize(Decimal("0.01"))
        entries.append(_entry("DEMO-1", half, day, reference=open_[0].reference))
    if paid:
        entries.append(_entry("DEMO-2", paid[0].total, day, reference=paid[0].reference))
    entries.append(_entry("DEMO-3", Decimal("120.00"), day, text="Permis fouille av. de Lavaux"))
    document = E.Document(
        E.BkToCstmrDbtCdtNtfctn(
            E.GrpHdr(E.MsgId(f"DEMO-{day:%Y%m%d}"), E.CreDtTm(f"{day.isoformat()}T06:00:00")),
            E.Ntfctn(
                E.Id(f"DEMO-{day:%Y%m%d}-1"),
                E.Acct(E.Id(E.IBAN(iban))),
                *entries,
            ),
        )
    )
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


def bank_demo(town) -> BankFile | None:
    """Import the demo file once (not again when the town already has a bank file)."""
    settings = BillingSettings.objects.filter(municipality=town).first()
    if settings is None or BankFile.objects.filter(municipality=town).exists():
        return None
    invoices = list(
        Invoice.objects.filter(municipality=town, kind=Invoice.Kind.INVOICE).order_by("sequence")
    )
    if not invoices:
        return None
    now = timezone.now()
    data = demo_camt054(iban=settings.account_iban, invoices=invoices, day=timezone.localdate(now))
    return bank_file_import(
        municipality=town, data=data, filename="camt054-demo.xml", now=now
    ).bank_file
