"""API tokens: created and revoked by the organisation's manager; checked on each call."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.accounts.models import OrganisationMember
from commune.core import audit
from commune.permits.models.tokens import ApiToken, token_hash


def _check_manager(organisation, user) -> None:
    if not OrganisationMember.objects.filter(
        organisation=organisation, user=user, is_manager=True
    ).exists():
        raise PermissionDenied


@transaction.atomic
def api_token_create(*, organisation, manager, name: str) -> tuple[ApiToken, str]:
    """A new token; returns the row and the secret, which is never stored nor shown again."""
    _check_manager(organisation, manager)
    limit = ApiToken._meta.get_field("name").max_length
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name.strip()) > limit:  # the name comes straight from the request, not from a form
        raise ValidationError(
            {"name": _("A token's name has at most %(n)d characters.") % {"n": limit}}
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip(),
        token_hash=token_hash(raw),
        hint=raw[:10],
        created_by=manager,
    )
    audit.record(actor=manager, obj=token, action="api_token_created", after={"name": token.name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, manager, now: dt.datetime) -> ApiToken:
    _check_manager(token.organisation, manager)
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=manager, obj=token, action="api_token_revoked")
    return token


def api_token_authenticate(*, raw: str, now: dt.datetime) -> ApiToken | None:
    """The live token matching `raw`, its last use stamped; None if unknown or revoked."""
    token = (
        ApiToken.objects.filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .select_related("organisation", "created_by")
        .first()
    )
    if token is None or not token.created_by.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token
