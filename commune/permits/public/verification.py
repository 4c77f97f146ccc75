"""The permit's verification code: a value signed with the site's key (django.core.signing),
bound to the town, so that nobody can forge one or walk the ids."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from commune.permits.models import PermitRequest
from commune.permits.workflow import (
    AUTHORISES_WORKS,
    EXPIRED,
    FINAL,
    ISSUED,
    NOT_YET_VALID,
    VALID,
    validity_on,
)

#: An unknown, refused or closed permit: it authorises nothing.
NOT_VALID = "not_valid"


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


def validity(permit: PermitRequest, *, today: dt.date) -> tuple[str, str]:
    """Where the permit stands today (`today` in the town's time zone): VALID, NOT_YET_VALID,
    EXPIRED or NOT_VALID, and a sentence that says so with its dates in the reader's words."""
    end = permit.valid_until or permit.planned_end
    if permit.status == PermitRequest.Status.ABANDONED:
        return NOT_VALID, str(_("This file was closed by the town: it authorises no works."))
    if permit.status == PermitRequest.Status.WITHDRAWN:
        if permit.decided_at is not None:  # withdrawn once granted
            return NOT_VALID, str(
                _("This permit was withdrawn by its holder: it no longer authorises any works.")
            )
        return NOT_VALID, str(
            _("This request was withdrawn before any decision: it authorises no works.")
        )
    if permit.status not in ISSUED:
        return NOT_VALID, str(_("This permit has not been granted: it is not valid."))
    if permit.status in FINAL:
        return NOT_VALID, str(_("The works are finished and the file is closed."))
    if permit.status not in AUTHORISES_WORKS:
        return VALID, str(
            _("This permit is valid; the works are finished, the street is being reinstated.")
        )
    dates = {
        "start": formats.date_format(permit.planned_start, "DATE_FORMAT"),
        "end": formats.date_format(end, "DATE_FORMAT"),
    }
    state = validity_on(today, first_day=permit.planned_start, last_day=end)
    sentences = {
        NOT_YET_VALID: _("This permit is not yet valid: it is valid from %(start)s to %(end)s."),
        EXPIRED: _("This permit has expired: it was valid from %(start)s to %(end)s."),
        VALID: _("This permit is valid from %(start)s to %(end)s."),
    }
    return state, str(sentences[state]) % dates
