"""Bank files in: read (camt.py), matched (matching.py), stored with their entries and the
payments they make, in one transaction. The same file twice changes nothing: it is known by its
content (sha256) and by its message id (GrpHdr/MsgId), and each entry by the bank's reference
(entry_ref), so a payment seen in an earlier file is a duplicate, never paid twice.
See docs/decisions/0013-bank-files-imported-once-exceptions-to-finance.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from commune.billing.camt import MAX_BYTES, BankDocument, CamtError, camt_read
from commune.billing.matching import OpenInvoice, entries_match
from commune.billing.models import BankEntry, BankFile, BillingSettings, Invoice
from commune.billing.models.settings import iban_compact
from commune.billing.references import reference_normal
from commune.core import audit

from .payments import invoice_balance, payment_record

logger = logging.getLogger("commune.billing")


class BankImportError(ValueError):
    """The file is refused; `str(error)` says why, for people. Nothing was stored."""


@dataclass(frozen=True)
class ImportResult:
    bank_file: BankFile
    created: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def message(self) -> str:
        if not self.created:
            return _("This file was already imported on %(date)s (%(name)s): nothing changed.") % {
                "date": formats.date_format(
                    timezone.localtime(self.bank_file.imported_at), "SHORT_DATETIME_FORMAT"
                ),
                "name": self.bank_file.filename,
            }
        parts = [
            f"{label} : {self.counts.get(key, 0)}"
            for key, label in BankEntry.Outcome.choices
            if self.counts.get(key)
        ]
        return _("Bank file imported: %(summary)s.") % {
            "summary": ", ".join(parts) or _("no entry")
        }


def _already(*, municipality, sha256: str, message_id: str) -> BankFile | None:
    files = BankFile.objects.filter(municipality=municipality)
    found = files.filter(sha256=sha256).first()
    if found is None and message_id:
        found = files.filter(message_id=message_id).first()
    return found


def _check_account(*, municipality, document: BankDocument) -> BillingSettings:
    settings = BillingSettings.objects.filter(municipality=municipality).first()
    if settings is None:
        raise BankImportError(_("The town has not set its creditor details and account yet."))
    ours = iban_compact(settings.account_iban)
    for iban in sorted(document.ibans):
        if iban_compact(iban) != ours:
            raise BankImportError(
                _(
                    "This file is for the account %(theirs)s, not the town's account %(ours)s: "
                    "nothing was imported."
                )
                % {"theirs": iban, "ours": ours}
            )
    return settings


def _open_invoices(*, municipality, references: set[str]) -> dict[str, OpenInvoice]:
    """The town's invoices the file's references name and that take a payment, with what is
    still open on them (0 for a paid one: paying it again is an overpayment)."""
    invoices = Invoice.objects.filter(
        municipality=municipality, kind=Invoice.Kind.INVOICE, reference__in=references
    ).exclude(status__in=(Invoice.Status.CANCELLED, Invoice.Status.REFUNDED))
    return {
        invoice.reference: OpenInvoice(invoice.pk, max(invoice_balance(invoice), 0))
        for invoice in invoices
    }


def _store(*, municipality, bank_file: BankFile, document: BankDocument) -> dict[str, int]:
    transactions = document.transactions
    references = {r for t in transactions if (r := reference_normal(t.reference))}
    refs = {t.entry_ref for t in transactions}
    seen = set(
        BankEntry.objects.filter(municipality=municipality, entry_ref__in=refs).values_list(
            "entry_ref", flat=True
        )
    )
    open_invoices = _open_invoices(municipality=municipality, references=references)
    invoices = {
        i.pk: i for i in Invoice.objects.filter(pk__in=[o.id for o in open_invoices.values()])
    }
    counts: dict[str, int] = {}
    matches = entries_match(transactions, open_invoices=open_invoices, seen=seen)
    for index, (tx, match) in enumerate(zip(transactions, matches, strict=True)):
        counts[match.outcome] = counts.get(match.outcome, 0) + 1
        entry_ref = tx.entry_ref
        if match.outcome == BankEntry.Outcome.DUPLICATE:
            # kept for finance under a key of its own; the first entry keeps the bank's
            entry_ref = f"{tx.entry_ref[:50]}~dup-{bank_file.pk}-{index + 1}"
        entry = BankEntry.objects.create(
            municipality=municipality,
            bank_file=bank_file,
            entry_ref=entry_ref,
            amount=tx.amount,
            currency=tx.currency,
            credit=tx.credit,
            booking_date=tx.booking_date,
            value_date=tx.value_date,
            reference=match.reference or (tx.reference or None),
            unstructured=tx.unstructured,
            debtor_name=tx.debtor_name,
            debtor_iban=tx.debtor_iban,
            outcome=match.outcome,
            invoice_id=match.invoice_id,
            excess_amount=match.excess,
        )
        if match.applied > 0:
            payment_record(
                invoice=invoices[match.invoice_id],
                amount=match.applied,
                booked_on=tx.booking_date,
                value_date=tx.value_date,
                bank_entry=entry,
            )
    return counts


@transaction.atomic
def bank_file_import(
    *, municipality, data: bytes, filename: str, actor=None, now: dt.datetime
) -> ImportResult:
    """Import the camt.053/054 file `data` for `municipality`: each entry matched and stored,
    the payments recorded. Already imported (same content or same message id): nothing
    changes, the earlier import is returned. BankImportError when the file is refused."""
    sha256 = hashlib.sha256(data).hexdigest()
    found = _already(municipality=municipality, sha256=sha256, message_id="")
    if found is not None:
        return ImportResult(found, created=False)
    try:
        document = camt_read(data)
    except CamtError as error:
        raise BankImportError(str(error)) from None
    found = _already(municipality=municipality, sha256=sha256, message_id=document.message_id)
    if found is not None:
        return ImportResult(found, created=False)
    _check_account(municipality=municipality, document=document)
    try:
        with transaction.atomic():
            bank_file = BankFile.objects.create(
                municipality=municipality,
                sha256=sha256,
                filename=(filename or "camt.xml")[:255],
                kind=document.kind,
                message_id=document.message_id,
                account_iban=sorted(document.ibans)[0],
                imported_at=now,
                imported_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:  # the same file imported at the same moment by someone else
        found = _already(municipality=municipality, sha256=sha256, message_id=document.message_id)
        if found is None:
            raise
        return ImportResult(found, created=False)
    counts = _store(municipality=municipality, bank_file=bank_file, document=document)
    bank_file.counts = counts
    bank_file.save(update_fields=["counts", "updated_at"])
    audit.record(
        actor=actor,
        obj=bank_file,
        action="bank_file_imported",
        after={"counts": counts, "message_id": document.message_id, "sha256": sha256},
    )
    return ImportResult(bank_file, created=True, counts=counts)


def exceptions_pending(*, municipality):
    """The finance exceptions queue: partial, overpaid, unknown and duplicate entries not yet
    resolved, oldest first."""
    return (
        BankEntry.objects.filter(
            municipality=municipality, outcome__in=BankEntry.EXCEPTIONS, resolved_at__isnull=True
        )
        .select_related("invoice", "bank_file")
        .order_by("booking_date", "id")
    )


def _entry_locked(entry: BankEntry) -> BankEntry:
    """The entry, locked; only its own row: PostgreSQL refuses FOR UPDATE on the nullable side of
    the outer join to its invoice (an unknown entry has none)."""
    return (
        BankEntry.objects.select_for_update(of=("self",)).select_related("invoice").get(pk=entry.pk)
    )


@transaction.atomic
def bank_entry_assign(
    *, entry: BankEntry, invoice: Invoice, actor, now: dt.datetime, note: str = ""
) -> BankEntry:
    """Finance says which invoice an unknown entry pays: its whole amount is recorded as a
    payment of that invoice and the entry leaves the queue. Asked again: nothing more."""
    entry = _entry_locked(entry)
    if entry.resolved_at is not None:
        return entry
    if entry.outcome != BankEntry.Outcome.UNKNOWN or not entry.credit or entry.currency != "CHF":
        raise BankImportError(_("Only an unknown credit in CHF can be assigned to an invoice."))
    if invoice.municipality_id != entry.municipality_id:
        raise BankImportError(_("This invoice is not one of the town's."))
    payment_record(
        invoice=invoice,
        amount=entry.amount,
        booked_on=entry.booking_date or timezone.localdate(now),
        value_date=entry.value_date,
        bank_entry=entry,
        actor=actor,
        note=note,
    )
    entry.invoice = invoice
    entry.resolved_at = now
    entry.resolved_by = actor
    entry.resolution_note = note or _("Assigned to invoice %(number)s.") % {
        "number": invoice.number
    }
    entry.save(
        update_fields=["invoice", "resolved_at", "resolved_by", "resolution_note", "updated_at"]
    )
    audit.record(
        actor=actor,
        obj=entry,
        action="bank_entry_assigned",
        after={"invoice": invoice.number, "amount": entry.amount},
        comment=note,
    )
    return entry


@transaction.atomic
def bank_entry_resolve(*, entry: BankEntry, actor, now: dt.datetime, note: str) -> BankEntry:
    """Finance handled the entry outside the platform (refunded the excess, asked the debtor…)
    and says how: it leaves the queue. Asked again: nothing more."""
    note = (note or "").strip()
    if not note:
        raise BankImportError(_("Say how the entry was handled."))
    entry = _entry_locked(entry)
    if entry.resolved_at is not None:
        return entry
    entry.resolved_at = now
    entry.resolved_by = actor
    entry.resolution_note = note
    entry.save(update_fields=["resolved_at", "resolved_by", "resolution_note", "updated_at"])
    audit.record(actor=actor, obj=entry, action="bank_entry_resolved", comment=note)
    return entry


def bank_inbox_dir(*, municipality) -> Path:
    """The folder the worker reads the town's bank files from: BILLING_INBOX_DIR (default
    VAR_DIR/billing-inbox) / <town slug>; processed/ and failed/ beside the files."""
    return Path(django_settings.BILLING_INBOX_DIR) / municipality.slug


def _move(path: Path, folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stamp}-{path.name}"
    path.replace(target)
    return target


def bank_inbox_run(*, municipality, now: dt.datetime) -> dict[str, int]:
    """Import every file dropped in the town's inbox, oldest name first, each in its own
    transaction; then move it to processed/ (imported, or imported before) or failed/ with the
    reason in a .txt beside it. Names starting with "." or ending in .part/.tmp are files still
    being written: left for the next run."""
    inbox = bank_inbox_dir(municipality=municipality)
    if not inbox.is_dir():
        return {"bank_files_imported": 0, "bank_files_failed": 0}
    stamp = timezone.localtime(now).strftime("%Y%m%dT%H%M%S")
    imported = failed = 0
    for path in sorted(inbox.iterdir()):
        if (
            path.name.startswith(".")
            or path.suffix in (".part", ".tmp")
            or path.is_symlink()
            or not path.is_file()
        ):
            continue
        try:
            if path.stat().st_size > MAX_BYTES:
                raise BankImportError(_("The file is too large for a bank file (more than 20 MB)."))
            result = bank_file_import(
                municipality=municipality, data=path.read_bytes(), filename=path.name, now=now
            )
        except BankImportError as error:
            failed += 1
            logger.warning("bank file refused", extra={"file": path.name, "reason": str(error)})
            try:
                target = _move(path, inbox / "failed", stamp)
                target.with_name(target.name + ".txt").write_text(
                    str(error) + "\n", encoding="utf-8"
                )
            except OSError as move_error:
                logger.error(
                    "bank file not moved", extra={"file": path.name, "error": str(move_error)}
                )
            continue
        imported += int(result.created)
        try:
            _move(path, inbox / "processed", stamp)
        except OSError as move_error:  # imported: the next run finds it imported already
            logger.error("bank file not moved", extra={"file": path.name, "error": str(move_error)})
    return {"bank_files_imported": imported, "bank_files_failed": failed}
