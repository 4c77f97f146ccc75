"""The permit's verification code: a value signed with the site's key (django.core.signing),
bound to the town, so that nobody can forge one or walk the ids."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commune.permits.models import PermitRequest
from commune.permits.workflow import AUTHORISES_WORKS, FINAL, ISSUED


def _salt(municipality_id: int) -> str:
    return f"commune.permits.verify.{municipality_id}"


def verify_token(permit: PermitRequest) -> str:
    return signing.dumps(permit.pk, salt=_salt(permit.municipality_id), compress=True)


def verify_url(permit: PermitRequest, *, base: str = "") -> str:
    path = reverse(
        "works:verify",
        kwargs={"town": permit.municipality.slug, "token": verify_token(permit)},
    )
    return f"{base.rstrip('/')}{path}"


def permit_id_from_token(token: str, *, municipality) -> int | None:
    """The permit id the token was issued for in this town, or None if forged or foreign."""
    try:
        value = signing.loads(token, salt=_salt(municipality.pk))
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def validity(permit: PermitRequest, *, today: dt.date) -> tuple[bool, str]:
    """Whether the permit authorises works today, and a sentence that says so."""
    end = permit.valid_until or permit.planned_end
    if permit.status not in ISSUED:
        return False, str(_("This permit has not been granted: it is not valid."))
    if permit.status in FINAL:
        return False, str(_("The works are finished and the file is closed."))
    if permit.status not in AUTHORISES_WORKS:
        return True, str(
            _("This permit is valid; the works are finished, the street is being reinstated.")
        )
    if today > end:
        return False, str(_("This permit has expired."))
    return True, str(_("This permit is valid."))
