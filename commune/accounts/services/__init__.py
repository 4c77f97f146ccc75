"""Writes on accounts: one function per action, each writing the audit trail."""

from .organisations import (
    invitation_accept,
    invitation_send,
    organisation_invite,
    organisation_member_remove,
)
from .passwords import password_reset_request, password_reset_send
from .registration import (
    email_verify,
    user_language_set,
    user_register,
    verification_resend,
    verification_send,
)
from .staff import role_grant, role_revoke, staff_create, staff_welcome_send

__all__ = [
    "email_verify",
    "invitation_accept",
    "invitation_send",
    "organisation_invite",
    "organisation_member_remove",
    "password_reset_request",
    "password_reset_send",
    "role_grant",
    "role_revoke",
    "staff_create",
    "staff_welcome_send",
    "user_language_set",
    "user_register",
    "verification_resend",
    "verification_send",
]
