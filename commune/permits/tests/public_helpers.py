"""Builders for the public-side tests: permits in a given state, with their work areas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from commune.accounts.tests.factories import OrganisationFactory, add_member
from commune.permits.models import PermitRequest
from commune.permits.tests.factories import draft

Status = PermitRequest.Status
_counter = iter(range(1, 10**6))


def work(town, *, status=Status.GRANTED, start=None, days=5, dx=100, dy=100, **fields):
    """A permit of `town` in `status` (call inside the town's scope), with one work area."""
    start = start or timezone.localdate() + dt.timedelta(days=3)
    number = next(_counter)
    own_organisation = "organisation" not in fields
    fields.setdefault("organisation", OrganisationFactory(name=f"Services industriels {number} SA"))
    permit = draft(
        town,
        dx=dx,
        dy=dy,
        planned_start=start,
        planned_end=start + dt.timedelta(days=days),
        **fields,
    )
    if own_organisation:  # its applicant acts for it, as the request form requires
        add_member(permit.organisation, permit.applicant)
    permit.status = status
    permit.reference = f"{town.slug.upper()[:3]}-2026-{number:04d}"
    if status != Status.DRAFT:
        permit.fee_base, permit.fee_occupation = Decimal("100.00"), Decimal("12.50")
        permit.fee_total, permit.deposit = Decimal("112.50"), Decimal("500.00")
        permit.valid_until = permit.planned_end
        permit.conditions = [
            {"department": "Routes", "text": "Remettre le revêtement en état sous 10 jours."}
        ]
    permit.save()
    return permit
