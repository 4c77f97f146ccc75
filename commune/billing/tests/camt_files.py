"""Bank files written the way Swiss banks write them, for tests: camt.054.001.08 (debit/credit
notification) and camt.053.001.08 (statement), per the Swiss Payment Standards (SIX, Swiss
Implementation Guidelines for Cash Management, camt.053/054, version 2.x).

    payments = [Pay("210000000003139471430009017", Decimal("175.60"), ref="ACSR-1"), ...]
    data = camt054(iban="CH4431999123000889012", payments=payments, message_id="MSG-1")

Each `Pay` becomes one entry (Ntry) with one transaction detail (TxDtls), or, given `batch=`,
several TxDtls under one entry, as banks book a day's QR payments. The tests read every file
built here back with pycamt (a parser we did not write) as well as with camt.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from pycamt.parser import Camt053Parser

NS054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
NS053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


class Camt054Parser(Camt053Parser):
    """pycamt reads statements (Stmt) and reports (Rpt); a notification's entries sit under
    Ntfctn, the rest of the structure (Ntry, NtryDtls, TxDtls) is the same."""

    def _find_statements_or_reports(self):
        return self.tree.findall(".//Ntfctn", self.namespaces)


@dataclass(frozen=True)
class Pay:
    """One payment in a bank file. `reference` is a QRR (27 digits) or an RF reference; empty:
    only `text` (an unstructured communication)."""

    reference: str
    amount: Decimal
    ref: str = ""  # the bank's AcctSvcrRef of the transaction ("" to leave it out)
    debtor: str = "Muster Bau SA"
    debtor_iban: str = "CH5604835012345678009"
    text: str = ""
    credit: bool = True
    reversal: bool = False
    booked: dt.date = dt.date(2026, 12, 4)
    currency: str = "CHF"


def _e(value: object) -> str:
    return escape(str(value))


def _reference(pay: Pay) -> str:
    if not pay.reference:
        return f"<RmtInf><Ustrd>{_e(pay.text)}</Ustrd></RmtInf>" if pay.text else ""
    is_scor = pay.reference.upper().startswith("RF")
    kind = "<Cd>SCOR</Cd>" if is_scor else "<Prtry>QRR</Prtry>"
    issuer = "<Issr>ISO</Issr>" if is_scor else ""
    text = f"<AddtlRmtInf>{_e(pay.text)}</AddtlRmtInf>" if pay.text else ""
    return (
        "<RmtInf><Strd><CdtrRefInf>"
        f"<Tp><CdOrPrtry>{kind}</CdOrPrtry>{issuer}</Tp><Ref>{_e(pay.reference)}</Ref>"
        f"</CdtrRefInf>{text}</Strd></RmtInf>"
    )


def _tx(pay: Pay) -> str:
    refs = f"<AcctSvcrRef>{_e(pay.ref)}</AcctSvcrRef>" if pay.ref else ""
    indicator = "CRDT" if pay.credit else "DBIT"
    return (
        "<TxDtls>"
        f"<Refs>{refs}<EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
        f'<Amt Ccy="{_e(pay.currency)}">{pay.amount:.2f}</Amt>'
        f"<CdtDbtInd>{indicator}</CdtDbtInd>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>VCOM</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>"
        "<RltdPties>"
        f"<Dbtr><Pty><Nm>{_e(pay.debtor)}</Nm></Pty></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{_e(pay.debtor_iban)}</IBAN></Id></DbtrAcct>"
        "</RltdPties>"
        f"{_reference(pay)}"
        f"<RltdDts><AccptncDtTm>{pay.booked.isoformat()}T09:00:00</AccptncDtTm></RltdDts>"
        "</TxDtls>"
    )


def _entry(pays: list[Pay], index: int) -> str:
    first = pays[0]
    total = sum((p.amount for p in pays), Decimal("0"))
    indicator = "CRDT" if first.credit else "DBIT"
    batch = f"<Btch><NbOfTxs>{len(pays)}</NbOfTxs></Btch>" if len(pays) > 1 else ""
    entry_ref = f"<AcctSvcrRef>{_e(first.ref)}-E</AcctSvcrRef>" if first.ref else ""
    return (
        "<Ntry>"
        f"<NtryRef>{index}</NtryRef>"
        f'<Amt Ccy="{_e(first.currency)}">{total:.2f}</Amt>'
        f"<CdtDbtInd>{indicator}</CdtDbtInd>"
        f"<RvslInd>{'true' if first.reversal else 'false'}</RvslInd>"
        "<Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{first.booked.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{first.booked.isoformat()}</Dt></ValDt>"
        f"{entry_ref}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>VCOM</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>"
        f"<NtryDtls>{batch}{''.join(_tx(p) for p in pays)}</NtryDtls>"
        "</Ntry>"
    )


def _entries(payments: list[Pay], batch: list[list[Pay]] | None) -> str:
    groups = [[p] for p in payments] + (batch or [])
    return "".join(_entry(group, i + 1) for i, group in enumerate(groups))


def camt054(
    *,
    iban: str,
    payments: list[Pay],
    message_id: str = "MSG-054-1",
    batch: list[list[Pay]] | None = None,
    created: str = "2026-12-05T06:00:00",
) -> bytes:
    """A camt.054.001.08 notification of credits to `iban`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{NS054}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<BkToCstmrDbtCdtNtfctn>"
        f"<GrpHdr><MsgId>{_e(message_id)}</MsgId><CreDtTm>{created}</CreDtTm>"
        "<MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>"
        f"<Ntfctn><Id>{_e(message_id)}-N1</Id><CreDtTm>{created}</CreDtTm>"
        f"<Acct><Id><IBAN>{_e(iban)}</IBAN></Id><Ccy>CHF</Ccy></Acct>"
        f"{_entries(payments, batch)}"
        "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def camt053(
    *,
    iban: str,
    payments: list[Pay],
    message_id: str = "MSG-053-1",
    opening: Decimal = Decimal("1000.00"),
    created: str = "2026-12-05T06:00:00",
) -> bytes:
    """A camt.053.001.08 statement of `iban` with `payments` and its balances."""
    closing = opening + sum((p.amount if p.credit else -p.amount for p in payments), Decimal("0"))
    day = "2026-12-04"

    def balance(code: str, amount: Decimal) -> str:
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="CHF">{abs(amount):.2f}</Amt>'
            f"<CdtDbtInd>{'CRDT' if amount >= 0 else 'DBIT'}</CdtDbtInd>"
            f"<Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{NS053}">'
        "<BkToCstmrStmt>"
        f"<GrpHdr><MsgId>{_e(message_id)}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{_e(message_id)}-S1</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
        f"<CreDtTm>{created}</CreDtTm>"
        f"<Acct><Id><IBAN>{_e(iban)}</IBAN></Id><Ccy>CHF</Ccy></Acct>"
        f"{balance('OPBD', opening)}{balance('CLBD', closing)}"
        f"{_entries(payments, None)}"
        "</Stmt></BkToCstmrStmt></Document>"
    ).encode()
