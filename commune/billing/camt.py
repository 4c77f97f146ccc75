"""ISO 20022 bank files as Swiss banks send them: camt.054 (debit/credit notification) and
camt.053 (statement), versions .001.08 and .001.04 (Swiss Payment Standards).

    document = camt_read(data)   # -> BankDocument, or CamtError with a message for people

Pure: bytes in, frozen dataclasses out, no database. The input is hostile until read: size
limited, no DTD (so no entity, internal or external), no network, no huge tree, the root must
be a camt.053/054 document of a version we read; amounts are exact decimals (no NaN, no
exponent, at most 12 digits, at most 2 decimals that are not zeros) and dates real dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

#: A bank file larger than this is refused before parsing (a year of a town's payments in
#: camt.054 is a few MB).
MAX_BYTES = 20 * 1024 * 1024
_NS = "urn:iso:std:iso:20022:tech:xsd:"
#: (message, version) -> (root element, report element). Versions of the Swiss Payment
#: Standards: .08 since November 2022, .04 still sent by some banks.
_SUPPORTED = {
    ("camt.054", "08"): ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
    ("camt.054", "04"): ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
    ("camt.053", "08"): ("BkToCstmrStmt", "Stmt"),
    ("camt.053", "04"): ("BkToCstmrStmt", "Stmt"),
}
_NS_RE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d\d)$")
_AMOUNT_RE = re.compile(r"^([0-9]+)(?:\.([0-9]+))?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
MAX_DIGITS = 12


class CamtError(ValueError):
    """The file is not a bank file we can read; `str(error)` says why, for people."""


@dataclass(frozen=True)
class Transaction:
    """One payment: a transaction detail (TxDtls) of an entry, or the entry itself when it
    has none. `entry_ref` is the key that makes a second import of it a duplicate."""

    entry_ref: str
    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    booking_date: dt.date
    value_date: dt.date | None
    reference: str = ""
    reference_type: str = ""  # "QRR", "SCOR" or ""
    unstructured: str = ""
    debtor_name: str = ""
    debtor_iban: str = ""
    bank_ref: str = ""  # AcctSvcrRef as the bank gave it ("" when it gave none)
    booked: bool = True  # Sts BOOK (or none given); PDNG, INFO…: not money yet


@dataclass(frozen=True)
class Report:
    """One notification (camt.054 Ntfctn) or statement (camt.053 Stmt) of one account."""

    id: str
    iban: str
    transactions: tuple[Transaction, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BankDocument:
    kind: str  # "camt.053" or "camt.054"
    version: str  # "08" or "04"
    message_id: str
    created_at: dt.datetime | None
    reports: tuple[Report, ...]

    @property
    def transactions(self) -> list[Transaction]:
        return [t for r in self.reports for t in r.transactions]

    @property
    def ibans(self) -> set[str]:
        return {r.iban for r in self.reports}


def _parse(data: bytes):
    if len(data) > MAX_BYTES:
        raise CamtError(_("The file is too large for a bank file (more than 20 MB)."))
    head = data[:4096].lstrip(b"\xef\xbb\xbf \r\n\t")
    if not head.startswith(b"<"):
        raise CamtError(_("This file is not XML: a bank file (camt.053 or camt.054) is expected."))
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise CamtError(_("The file declares a DTD or entities, which bank files never do."))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)  # noqa: S320 - no DTD, no entities, no network
    except etree.XMLSyntaxError as error:
        raise CamtError(
            _("The file is not well-formed XML (%(error)s).") % {"error": str(error)[:200]}
        ) from None
    if root.getroottree().docinfo.doctype:
        raise CamtError(_("The file declares a DTD or entities, which bank files never do."))
    return root


def _kind(root) -> tuple[str, str, str]:
    qname = etree.QName(root)
    match = _NS_RE.match(qname.namespace or "")
    supported = ", ".join(f"{k}.001.{v}" for k, v in sorted(_SUPPORTED))
    if not match or qname.localname != "Document":
        found = (qname.namespace or "").removeprefix(_NS) or qname.localname
        raise CamtError(
            _("This is not a bank file we read (%(found)s); expected one of: %(supported)s.")
            % {"found": found[:80], "supported": supported}
        )
    kind, version = match.groups()
    if (kind, version) not in _SUPPORTED:
        raise CamtError(
            _("Version %(version)s of %(kind)s is not read; expected one of: %(supported)s.")
            % {"version": f"{kind}.001.{version}", "kind": kind, "supported": supported}
        )
    return kind, version, qname.namespace


class _Reader:
    def __init__(self, namespace: str):
        self.ns = {"c": namespace}

    def find(self, element, path: str):
        if element is None:
            return None
        return element.find("/".join(f"c:{p}" for p in path.split("/")), self.ns)

    def findall(self, element, path: str) -> list:
        return element.findall("/".join(f"c:{p}" for p in path.split("/")), self.ns)

    def text(self, element, path: str) -> str:
        found = self.find(element, path)
        return (found.text or "").strip() if found is not None else ""

    def amount(self, element, path: str) -> tuple[Decimal, str] | None:
        found = self.find(element, path)
        if found is None:
            return None
        raw = (found.text or "").strip()
        match = _AMOUNT_RE.match(raw)
        whole, fraction = match.groups() if match else ("", "")
        fraction = (fraction or "").rstrip("0")
        if not match or len(whole.lstrip("0")) + len(fraction) > MAX_DIGITS or len(fraction) > 2:
            raise CamtError(
                _("Invalid amount in the bank file: %(amount)s.") % {"amount": raw[:40]}
            )
        currency = (found.get("Ccy") or "").strip()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise CamtError(
                _("Invalid currency in the bank file: %(ccy)s.") % {"ccy": currency[:8]}
            )
        return Decimal(raw).quantize(Decimal("0.01")), currency

    def date(self, element, path: str) -> dt.date | None:
        found = self.find(element, path)
        if found is None:
            return None
        day = self.text(found, "Dt")
        moment = self.text(found, "DtTm")
        try:
            if day and _DATE_RE.match(day):
                return dt.date.fromisoformat(day)
            if moment:
                value = dt.datetime.fromisoformat(moment)
                return value.astimezone(_ZURICH).date() if value.tzinfo else value.date()
        except ValueError:
            pass
        raise CamtError(
            _("Invalid date in the bank file: %(date)s.") % {"date": (day or moment)[:40]}
        )

    def party_name(self, details, role: str) -> str:
        # .08: Dbtr/Pty/Nm; .04: Dbtr/Nm
        return self.text(details, f"RltdPties/{role}/Pty/Nm") or self.text(
            details, f"RltdPties/{role}/Nm"
        )


def _digest(*parts: object) -> str:
    return "sha256:" + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]


def _transactions(r: _Reader, iban: str, entry, seen: dict[str, int]) -> list[Transaction]:
    entry_amount = r.amount(entry, "Amt")
    if entry_amount is None:
        raise CamtError(_("An entry of the bank file has no amount."))
    indicator = r.text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise CamtError(_("An entry of the bank file is neither a credit nor a debit."))
    reversal = r.text(entry, "RvslInd").lower() in ("true", "1")
    # .08: Sts/Cd; .04: Sts as text. No status at all is read as booked.
    status = (r.text(entry, "Sts/Cd") or r.text(entry, "Sts") or "BOOK").upper()
    booking = r.date(entry, "BookgDt")
    if booking is None:
        raise CamtError(_("An entry of the bank file has no booking date."))
    value = r.date(entry, "ValDt")
    entry_ref = r.text(entry, "AcctSvcrRef")
    details = [d for dtls in r.findall(entry, "NtryDtls") for d in r.findall(dtls, "TxDtls")]
    out = []
    for index, tx in enumerate(details or [None]):
        amount = entry_amount
        if tx is not None:
            amount = (
                r.amount(tx, "Amt")
                or r.amount(tx, "AmtDtls/TxAmt/Amt")
                or r.amount(tx, "AmtDtls/InstdAmt/Amt")
                or (entry_amount if len(details) == 1 else None)
            )
            if amount is None:
                raise CamtError(_("A transaction of a batch entry has no amount."))
        tx_indicator = r.text(tx, "CdtDbtInd") if tx is not None else ""
        credit = (tx_indicator or indicator) == "CRDT"
        ref_el = r.find(tx, "RmtInf/Strd/CdtrRefInf")
        reference = r.text(ref_el, "Ref") if ref_el is not None else ""
        ref_type = ""
        if ref_el is not None:
            ref_type = r.text(ref_el, "Tp/CdOrPrtry/Prtry") or r.text(ref_el, "Tp/CdOrPrtry/Cd")
        unstructured = " ".join(
            (u.text or "").strip()
            for u in (r.findall(tx, "RmtInf/Ustrd") if tx is not None else [])
        ).strip()
        tx_ref = r.text(tx, "Refs/AcctSvcrRef") if tx is not None else ""
        bank_ref = tx_ref or entry_ref
        if tx_ref:
            key = tx_ref
        elif entry_ref:
            key = entry_ref if len(details) <= 1 else f"{entry_ref}/{index + 1}"
        else:
            # No reference from the bank: the stable fields, and which occurrence of them in
            # this file (two equal payments the same day are two payments).
            stable = _digest(iban, booking, value, amount[0], amount[1], credit, reference)
            seen[stable] = seen.get(stable, 0) + 1
            key = f"{stable}#{seen[stable]}"
        out.append(
            Transaction(
                entry_ref=key[:80],
                amount=amount[0],
                currency=amount[1],
                credit=credit,
                reversal=reversal,
                booking_date=booking,
                value_date=value,
                reference=reference[:35],
                reference_type=ref_type[:8].upper(),
                unstructured=unstructured[:500],
                debtor_name=(r.party_name(tx, "Dbtr") if tx is not None else "")[:140],
                debtor_iban=(r.text(tx, "RltdPties/DbtrAcct/Id/IBAN") if tx is not None else "")[
                    :34
                ],
                bank_ref=bank_ref[:80],
                booked=status == "BOOK",
            )
        )
    return out


def camt_read(data: bytes) -> BankDocument:
    """The bank file `data` read, or CamtError saying (in the user's language) why not."""
    root = _parse(data)
    kind, version, namespace = _kind(root)
    r = _Reader(namespace)
    message_name, report_name = _SUPPORTED[(kind, version)]
    message = r.find(root, message_name)
    if message is None:
        raise CamtError(_("The bank file has no %(element)s element.") % {"element": message_name})
    message_id = r.text(message, "GrpHdr/MsgId")
    if not message_id:
        raise CamtError(_("The bank file has no message identifier (GrpHdr/MsgId)."))
    created_raw = r.text(message, "GrpHdr/CreDtTm")
    try:
        created = dt.datetime.fromisoformat(created_raw) if created_raw else None
    except ValueError:
        raise CamtError(
            _("Invalid date in the bank file: %(date)s.") % {"date": created_raw[:40]}
        ) from None
    reports = []
    for report in r.findall(message, report_name):
        report_id = r.text(report, "Id")
        iban = r.text(report, "Acct/Id/IBAN").replace(" ", "").upper()
        if not iban:
            raise CamtError(_("The bank file names no account IBAN."))
        transactions = []
        seen: dict[str, int] = {}
        for entry in r.findall(report, "Ntry"):
            transactions.extend(_transactions(r, iban, entry, seen))
        reports.append(Report(id=report_id, iban=iban, transactions=tuple(transactions)))
    if not reports:
        raise CamtError(_("The bank file holds no notification or statement."))
    return BankDocument(
        kind=kind,
        version=version,
        message_id=message_id[:35],
        created_at=created,
        reports=tuple(reports),
    )
