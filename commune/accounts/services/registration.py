"""Self-registration of citizens and companies, and e-mail verification."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from commune.core import audit
from commune.core.mail import mail_send
from commune.tenants.links import absolute_url
from commune.tenants.models import Municipality
from commune.tenants.selectors import municipality_by_id

from .. import tokens
from ..models import Organisation, OrganisationMember, User

DUPLICATE_EMAIL = _(
    "An account with this e-mail address already exists. Log in, or reset your password if "
    "you have forgotten it."
)
DUPLICATE_UID = _(
    "This organisation is already registered. Ask its manager to invite you from their "
    "account page."
)


def _enqueue_verification(user: User | None, link_town: Municipality | None) -> None:
    user_id = user.pk if user else None
    town_id = link_town.pk if link_town else None
    transaction.on_commit(
        lambda: accounts_send_verification.enqueue(user_id=user_id, link_town_id=town_id)
    )


def user_register(
    *,
    email: str,
    full_name: str,
    password: str,
    language: str,
    kind: str,
    organisation: dict | None = None,
    link_town: Municipality | None = None,
) -> User:
    """Create an account that stays unusable until its e-mail is verified. A company
    registration also creates the organisation and makes the registrant its manager; an
    organisation that already exists is never taken over. The mail's link is on `link_town`'s
    own domain when it has one (commune/tenants/links.py)."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": DUPLICATE_EMAIL})
    if organisation and Organisation.objects.filter(uid=organisation["uid"]).exists():
        raise ValidationError({"uid": DUPLICATE_UID})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                full_name=full_name,
                language=language,
                kind=User.Kind.COMPANY if organisation else kind,
                email_verified=False,
            )
            audit.record(actor=user, obj=user, action="register", after={"kind": user.kind})
            if organisation:
                org = Organisation.objects.create(**organisation)
                OrganisationMember.objects.create(organisation=org, user=user, is_manager=True)
                audit.record(
                    actor=user, obj=org, action="register", after=organisation | {"manager": email}
                )
    except IntegrityError as exc:  # the same form submitted twice at the same moment
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": DUPLICATE_EMAIL}) from exc
        raise ValidationError({"uid": DUPLICATE_UID}) from exc
    _enqueue_verification(user, link_town)
    return user


def verification_send(*, user: User, link_town: Municipality | None = None) -> None:
    """Mail the signed, expiring link that proves the address belongs to the person."""
    link = absolute_url(
        reverse("accounts:verify", kwargs={"token": tokens.verification_token(user)}),
        municipality=link_town,
    )
    mail_send(
        to=user.email,
        template="accounts_verify",
        context={"user": user, "link": link, "days": tokens.VERIFY_MAX_AGE // 86400},
        language=user.language,
    )


def verification_resend(*, email: str, link_town: Municipality | None = None) -> None:
    """Send the link again to an unverified account; says nothing about other addresses: the
    job is enqueued either way (without an account it does nothing), so the page takes the
    same time."""
    user = User.objects.filter(email__iexact=email.strip(), email_verified=False).first()
    _enqueue_verification(user, link_town)


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address as verified; raises tokens.BadToken for a bad or expired link."""
    data = tokens.verification_read(token)
    user = User.objects.select_for_update().filter(pk=data["u"], email=data["e"]).first()
    if user is None:
        raise tokens.BadToken
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        audit.record(actor=user, obj=user, action="verify_email")
    return user


def user_language_set(*, user: User, language: str) -> User:
    before = audit.snapshot(user, ["language"])
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        actor=user, obj=user, action="set_language", before=before, after={"language": language}
    )
    return user


@task()
def accounts_send_verification(*, user_id: int | None, link_town_id: int | None = None) -> None:
    """The background job behind registration and resending: with no user (no unverified
    account for the address asked), nothing is sent."""
    user = User.objects.filter(pk=user_id, email_verified=False).first() if user_id else None
    if user is not None:
        verification_send(user=user, link_town=municipality_by_id(municipality_id=link_town_id))
