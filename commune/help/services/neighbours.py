"""Joining the help network and proving one's address: by a code on a letter the town prints
and posts, or at the counter where the coordinator checks an ID. Codes are stored hashed,
single use, valid 30 days, and locked after a few wrong tries."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from commune.core import audit

from ..models import Neighbour, Neighbourhood, VerificationCode

CODE_VALIDITY = dt.timedelta(days=30)
#: Wrong tries on one code before it is locked (a new letter is then needed).
MAX_FAILURES = 5
#: No 0/O, 1/I/L: read aloud on the phone or typed by an older hand, nothing to confuse.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

AUDITED = ["status", "channel", "neighbourhood_id", "verified_at"]


def normalise_code(typed: str) -> str:
    return "".join(c for c in typed.upper() if c.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def neighbour_apply(
    *,
    municipality,
    user,
    neighbourhood: Neighbourhood,
    address: str,
    postcode: str,
    locality: str,
    phone: str,
    channel: str,
) -> Neighbour:
    """Ask to join (or correct one's address while not yet verified). Submitting twice gives
    one row: a person is a neighbour once per town."""
    with transaction.atomic():
        neighbour = Neighbour.objects.select_for_update().filter(user=user).first()
        if neighbour is not None and neighbour.is_verified:
            return neighbour
        neighbour = neighbour or Neighbour(municipality=municipality, user=user)
        neighbour.neighbourhood = neighbourhood
        neighbour.address = address.strip()
        neighbour.postcode = postcode.strip()
        neighbour.locality = locality.strip()
        neighbour.phone = phone.strip()
        neighbour.channel = channel
        # Until the coordinator places it, the address stands at its neighbourhood's centre.
        if neighbour.location is None and neighbourhood.area is not None:
            neighbour.location = neighbourhood.area.point_on_surface
        neighbour.save()
        audit.record(
            actor=user,
            obj=neighbour,
            action="neighbour_apply",
            after=audit.snapshot(neighbour, AUDITED),
        )
    return neighbour


@dataclass(frozen=True)
class Letter:
    """A letter to print: the code in clear exists only here, never in the database."""

    neighbour: Neighbour
    code: str
    expires_at: dt.datetime


@transaction.atomic
def code_issue(*, neighbour: Neighbour, actor, now: dt.datetime) -> Letter:
    """A new code for `neighbour`'s letter; the codes sent before no longer work."""
    if neighbour.is_verified:
        raise ValidationError(_("This neighbour's address is already verified."))
    neighbour.codes.filter(used_at=None, replaced_at=None).update(replaced_at=now)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = VerificationCode.objects.create(
        municipality=neighbour.municipality,
        neighbour=neighbour,
        code_hash=make_password(code),
        expires_at=now + CODE_VALIDITY,
    )
    audit.record(actor=actor, obj=neighbour, action="code_issue", after={"code": row.pk})
    return Letter(neighbour=neighbour, code=code, expires_at=row.expires_at)


def letters_to_print(*, municipality, now: dt.datetime) -> list[Neighbour]:
    """Neighbours waiting for a letter: by post, not verified, no working code out."""
    working = VerificationCode.objects.filter(
        neighbour=OuterRef("pk"),
        used_at=None,
        replaced_at=None,
        failures__lt=MAX_FAILURES,
        expires_at__gt=now,
    )
    return list(
        Neighbour.objects.filter(
            municipality=municipality,
            status=Neighbour.Status.PENDING,
            channel=Neighbour.Channel.POST,
        )
        .exclude(Exists(working))
        .select_related("user", "neighbourhood")
        .order_by("postcode", "address")
    )


def _verify(neighbour: Neighbour, *, actor, channel: str, now: dt.datetime) -> Neighbour:
    before = audit.snapshot(neighbour, AUDITED)
    neighbour.status = Neighbour.Status.VERIFIED
    neighbour.channel = channel
    neighbour.verified_at = now
    neighbour.verified_by = actor
    neighbour.save(update_fields=["status", "channel", "verified_at", "verified_by", "updated_at"])
    audit.record(
        actor=actor,
        obj=neighbour,
        action="neighbour_verify",
        before=before,
        after=audit.snapshot(neighbour, AUDITED),
    )
    return neighbour


def code_enter(*, neighbour: Neighbour, typed: str, now: dt.datetime) -> Neighbour:
    """The resident types the code of their letter. A wrong one counts against the code (and
    is kept even though the call fails); past MAX_FAILURES the code is locked."""
    with transaction.atomic():
        neighbour = Neighbour.objects.select_for_update().get(pk=neighbour.pk)
        if neighbour.is_verified:
            return neighbour
        code = neighbour.codes.filter(used_at=None, replaced_at=None).first()
        if code is None:
            raise ValidationError(
                _("No letter with a code has been sent to you yet."), code="no_code"
            )
        if code.failures >= MAX_FAILURES:
            raise ValidationError(
                _("Too many wrong codes: this letter no longer works. Ask the town for a new one."),
                code="locked",
            )
        if code.expires_at <= now:
            raise ValidationError(
                _("This code has expired. Ask the town for a new letter."), code="expired"
            )
        if not check_password(normalise_code(typed), code.code_hash):
            code.failures += 1
            code.save(update_fields=["failures", "updated_at"])
            left = MAX_FAILURES - code.failures
            error = ValidationError(
                _("This code is not the one on your letter (%(left)s tries left)."),
                code="wrong",
                params={"left": left},
            )
        else:
            code.used_at = now
            code.save(update_fields=["used_at", "updated_at"])
            return _verify(neighbour, actor=neighbour.user, channel="post", now=now)
    raise error


@transaction.atomic
def neighbour_verify_at_counter(
    *, neighbour: Neighbour, coordinator, id_checked: bool, location=None, now: dt.datetime
) -> Neighbour:
    """The coordinator saw the person's ID with this address: verified, codes out withdrawn."""
    if not id_checked:
        raise ValidationError({"id_checked": _("Confirm that you checked an identity document.")})
    if location is not None:
        neighbour.location = location
        neighbour.save(update_fields=["location", "updated_at"])
    neighbour.codes.filter(used_at=None, replaced_at=None).update(replaced_at=now)
    return _verify(neighbour, actor=coordinator, channel="counter", now=now)
