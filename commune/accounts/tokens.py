"""Signed, expiring tokens carried by the links we send by e-mail."""

from __future__ import annotations

from django.core import signing

VERIFY_SALT = "commune.accounts.verify-email"
INVITE_SALT = "commune.accounts.invitation"
VERIFY_MAX_AGE = 3 * 24 * 3600
INVITE_MAX_AGE = 14 * 24 * 3600


class BadToken(Exception):
    """The link was altered, belongs to something else, or has expired."""


def verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def verification_read(token: str) -> dict:
    try:
        return signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature
        raise BadToken from exc


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITE_SALT)


def invitation_read(token: str) -> dict:
    try:
        return signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.BadSignature as exc:
        raise BadToken from exc
