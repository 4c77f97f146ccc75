"""The bridge from permits to billing (in services/ so that the grant and the extension
call it without a cycle between permits' modules): the invoice issued at the grant (fees, and the
reinstatement deposit held), and a supplementary invoice or a credit note whenever the fees
change after it (an extension, a corrected road category) — never a silent change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from commune.billing.mails import invoice_mail_later
from commune.billing.models import Invoice
from commune.billing.selectors import (
    billing_settings_find,
    invoices_for_source,
    source_billed,
)
from commune.billing.services.credit import credit_note_issue
from commune.billing.services.debtors import debtor_from_text
from commune.billing.services.deposits import deposit_hold
from commune.billing.services.invoices import Line, invoice_issue
from commune.permits import workflow
from commune.permits.models import PermitRequest
from commune.permits.selectors import permit_settings_get
from commune.tenants.models import Module

from .fees import Fees, fee_compute

SOURCE = "permit"
FEE_KINDS = ("permit_fee",)
GRANT = "grant"


def _bills(permit: PermitRequest) -> bool:
    """The town bills through the billing module and has set its creditor details."""
    town = permit.municipality
    return town.has_module(Module.BILLING) and billing_settings_find(municipality=town) is not None


def permit_days(permit: PermitRequest) -> int:
    return (permit.planned_end - permit.planned_start).days + 1


def permit_fees(permit: PermitRequest) -> Fees:
    """The fees for the permit as it stands now (area, days, road category)."""
    return fee_compute(
        area_m2=permit.total_area_m2,
        days=permit_days(permit),
        road_category=permit.road_category,
        tariff=permit_settings_get(municipality=permit.municipality),
    )


def _debtor(permit: PermitRequest):
    """Who pays: the invoicing address as typed, under the applicant's (or the organisation's)
    name when it starts with the street: an address of two lines ("Chemin des Vignes 3 /
    1009 Pully") has no name line, and the QR-bill would name the street as the debtor."""
    applicant = permit.applicant
    name = str(permit.organisation or applicant.full_name)
    lines = [line.strip() for line in (permit.invoice_address or "").splitlines() if line.strip()]
    if len(lines) < 3 and not (lines and lines[0].casefold() == name.casefold()):
        lines.insert(0, name)
    return debtor_from_text(
        "\n".join(lines),
        email=applicant.email,
        language=applicant.language or permit.municipality.default_language,
    )


def permit_grant_invoice(permit: PermitRequest) -> Invoice | None:
    """The invoice issued at the grant, if the town bills through billing."""
    return (
        invoices_for_source(
            municipality=permit.municipality, source_kind=SOURCE, source_id=permit.pk
        )
        .filter(purpose=GRANT)
        .first()
    )


def permit_invoices(permit: PermitRequest):
    """Every invoice and credit note of the permit, oldest first."""
    return invoices_for_source(
        municipality=permit.municipality, source_kind=SOURCE, source_id=permit.pk
    )


def permit_invoice_issue(*, permit: PermitRequest, now: dt.datetime, actor=None) -> Invoice | None:
    """At the grant: the invoice of the base fee, the occupation of the public domain and the
    reinstatement deposit, which is held until the guarantee period ends. Once per permit; None
    when the town does not bill through billing."""
    if not _bills(permit) or permit.fee_total is None:
        return None
    already = permit_grant_invoice(permit)
    if already is not None:
        return already
    days = permit_days(permit)
    with override(permit.municipality.default_language):
        lines = [
            Line(label=_("Base fee"), unit_price=permit.fee_base, item_kind="permit_fee"),
            Line(
                label=_("Occupation of the public domain: %(area)s m², %(days)d days, %(cat)s")
                % {
                    "area": f"{permit.total_area_m2:.2f}",
                    "days": days,
                    "cat": permit.get_road_category_display(),
                },
                unit_price=permit.fee_occupation,
                item_kind="permit_fee",
            ),
        ]
        if permit.deposit:
            lines.append(
                Line(
                    label=_("Reinstatement deposit (refunded after the guarantee period)"),
                    unit_price=permit.deposit,
                    item_kind="deposit",
                )
            )
    invoice = invoice_issue(
        municipality=permit.municipality,
        source_kind=SOURCE,
        source_id=permit.pk,
        source_label=permit.reference,
        purpose=GRANT,
        debtor=_debtor(permit),
        lines=lines,
        issued_on=timezone.localdate(now),
        actor=actor,
    )
    if permit.deposit:
        deposit_hold(
            municipality=permit.municipality,
            source_kind=SOURCE,
            source_id=permit.pk,
            source_label=permit.reference,
            amount=permit.deposit,
            held_since=timezone.localdate(now),
            invoice=invoice,
            beneficiary_name=invoice.debtor_name,
            actor=actor,
        )
    invoice_mail_later(invoice)
    return invoice


def permit_fees_rebill(
    *, permit: PermitRequest, purpose: str, why: str, now: dt.datetime, actor=None
) -> Invoice | None:
    """The fees are computed again for the permit as it now stands (dates, road category):
    the permit's fee fields follow, and the difference with what was billed becomes a
    supplementary invoice (more) or a credit note on the grant's invoice (less). `purpose`
    names the change ("extension-7"), so the same change bills once. None when nothing
    changed or the town does not bill through billing."""
    if permit.fee_total is None:
        return None
    fees = permit_fees(permit)
    permit.fee_base, permit.fee_occupation = fees.base, fees.occupation
    permit.fee_total = fees.total
    permit.save(update_fields=["fee_base", "fee_occupation", "fee_total", "updated_at"])
    if not _bills(permit):
        return None
    original = permit_grant_invoice(permit)
    if original is None:
        return None
    billed = source_billed(
        municipality=permit.municipality,
        source_kind=SOURCE,
        source_id=permit.pk,
        item_kinds=FEE_KINDS,
    )
    difference = fees.total - billed
    if difference == 0:
        return None
    with override(permit.municipality.default_language):
        label = _("Fees recomputed (%(why)s): %(days)d days, %(cat)s, now CHF %(total)s") % {
            "why": why,
            "days": permit_days(permit),
            "cat": permit.get_road_category_display(),
            "total": f"{fees.total:.2f}",
        }
    line = Line(label=label, unit_price=abs(difference), item_kind="permit_fee")
    existing = permit_invoices(permit).filter(purpose=purpose).first()
    if existing is not None:
        return existing
    if difference > 0:
        supplement = invoice_issue(
            municipality=permit.municipality,
            source_kind=SOURCE,
            source_id=permit.pk,
            source_label=permit.reference,
            purpose=purpose,
            debtor=_debtor(permit),
            lines=[line],
            issued_on=timezone.localdate(now),
            actor=actor,
            corrects=original,
        )
        invoice_mail_later(supplement)
        return supplement
    note = credit_note_issue(
        original=original,
        lines=[line],
        reason=why,
        issued_on=timezone.localdate(now),
        actor=actor,
        purpose=purpose,
    )
    invoice_mail_later(note)
    return note


def permit_extension_rebill(*, permit: PermitRequest, extension, now: dt.datetime, actor=None):
    """An accepted extension changed the permit's end: the fees follow (permit_fees_rebill)."""
    with override(permit.municipality.default_language):
        why = _("extension to %(end)s") % {"end": extension.new_end.strftime("%d.%m.%Y")}
    return permit_fees_rebill(
        permit=permit, purpose=f"extension-{extension.pk}", why=why, now=now, actor=actor
    )


def permit_invoices_backfill(*, municipality, now: dt.datetime) -> int:
    """Issue the grant's invoice of every permit granted before the town billed through billing
    (it switched billing on later): once each, dated from the grant. Returns how many."""
    issued = 0
    permits = PermitRequest.objects.filter(
        municipality=municipality,
        status__in=workflow.ISSUED,
        fee_total__isnull=False,
        decided_at__isnull=False,
    )
    for permit in permits:
        if permit_grant_invoice(permit) is None:
            issued += permit_invoice_issue(permit=permit, now=permit.decided_at) is not None
    return issued


def fees_billed(permit: PermitRequest) -> Decimal:
    return source_billed(
        municipality=permit.municipality,
        source_kind=SOURCE,
        source_id=permit.pk,
        item_kinds=FEE_KINDS,
    )
