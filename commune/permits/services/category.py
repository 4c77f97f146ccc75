"""Staff correct the road category the applicant chose (it sets the occupation fee): while the
file is under review, and after the grant, when the fees are billed again — a supplementary
invoice or a credit note (permit_fees_rebill), never silently: the applicant is mailed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from commune.core import audit
from commune.permits import workflow
from commune.permits.models import PermitRequest
from commune.permits.models.choices import RoadCategory

from .billing import permit_fees_rebill
from .notify import notify_later


@transaction.atomic
def permit_category_correct(
    *, permit: PermitRequest, category: str, reason: str, officer, now: dt.datetime
) -> bool:
    """Set the road category of `permit` to `category`, with the officer's reason in the trail.
    Returns False when it already was (a second submission changes nothing, bills nothing)."""
    permit = PermitRequest.objects.select_for_update().get(pk=permit.pk)
    if category not in RoadCategory.values:
        raise ValidationError({"category": _("Choose a road category from the list.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the road category is corrected.")})
    if permit.status not in workflow.CATEGORY_CORRECTABLE:
        raise ValidationError(_("The road category can no longer be corrected on this file."))
    if permit.road_category == category:
        return False
    before = permit.road_category
    permit.road_category = category
    permit.save(update_fields=["road_category", "updated_at"])
    entry = audit.record(
        actor=officer,
        obj=permit,
        action="road_category_corrected",
        before={"road_category": before},
        after={"road_category": category},
        comment=reason.strip(),
    )
    with override(permit.municipality.default_language):  # the invoice's language
        why = _("road category corrected")
    permit_fees_rebill(
        permit=permit, purpose=f"category-{entry.pk}", why=why, now=now, actor=officer
    )
    notify_later(
        "category_corrected",
        permit_id=permit.pk,
        reason=reason.strip(),
        before=before,
    )
    return True
