"""Finance's refund list: the deposits proposed for refund (the guarantee period ended without
defects), as a CSV the town's e-banking or accounting takes (beneficiary, IBAN, amount,
reference), then marked refunded once paid. No pain.001 file: no maintained library writes
the Swiss variant (SPS pain.001.001.09.ch.03); see docs/decisions/0013-bank-files-*.md."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils.translation import gettext as _

from commune.billing.models import Deposit
from commune.core.csvsafe import neutralise

from .deposits import deposit_refund_done
from .invoices import BillingError

HEADER = (
    "beneficiary",
    "iban",
    "amount",
    "currency",
    "reference",
    "proposed_on",
    "reason",
    "deposit_id",
)


def refund_list(*, municipality):
    """The deposits proposed for refund, oldest proposal first."""
    return Deposit.objects.filter(
        municipality=municipality, status=Deposit.Status.REFUND_PROPOSED
    ).order_by("refund_proposed_on", "pk")


def refund_list_csv(*, municipality) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for deposit in refund_list(municipality=municipality):
        writer.writerow(
            [
                neutralise(deposit.beneficiary_name),
                neutralise(deposit.beneficiary_iban),
                f"{deposit.amount:.2f}",
                "CHF",
                neutralise(_("Deposit refund %(source)s") % {"source": deposit.source_label}),
                deposit.refund_proposed_on.isoformat() if deposit.refund_proposed_on else "",
                neutralise(deposit.note),
                deposit.pk,
            ]
        )
    return buffer.getvalue().encode("utf-8")


@transaction.atomic
def deposits_mark_refunded(
    *, municipality, deposit_ids: list[int], refunded_on: dt.date, actor
) -> list[Deposit]:
    """Finance paid these deposits back: each one proposed for refund becomes refunded (one
    already refunded stays as it is; asked twice, nothing more happens)."""
    deposits = list(
        Deposit.objects.filter(municipality=municipality, pk__in=deposit_ids).order_by("pk")
    )
    if len(deposits) != len(set(deposit_ids)):
        raise BillingError(_("Some of these deposits are not the town's."))
    return [
        deposit_refund_done(deposit=deposit, refunded_on=refunded_on, actor=actor)
        for deposit in deposits
        if deposit.status in (Deposit.Status.REFUND_PROPOSED, Deposit.Status.REFUNDED)
    ]
