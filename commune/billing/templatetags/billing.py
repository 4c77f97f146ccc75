"""Template tags other modules' pages use to show what was billed for one of their records,
without importing billing's models: `{% source_invoices "permit" permit.pk town as invoices %}`."""

from __future__ import annotations

from django import template

from commune.billing.access import is_finance
from commune.billing.selectors import invoices_for_source

register = template.Library()


@register.simple_tag
def source_invoices(source_kind: str, source_id: int, municipality) -> list:
    """The invoices and credit notes issued for one record, oldest first."""
    if municipality is None or source_id is None:
        return []
    return list(
        invoices_for_source(municipality=municipality, source_kind=source_kind, source_id=source_id)
    )


@register.simple_tag
def billing_staff(user, municipality) -> bool:
    """Whether `user` may open the town's invoice pages (finance, administrator)."""
    return bool(user and user.is_authenticated and is_finance(municipality=municipality, user=user))
