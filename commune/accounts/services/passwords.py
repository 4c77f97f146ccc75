"""Links to choose a password: the forgotten-password mail and a new staff member's welcome."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from commune.core.mail import mail_send
from commune.tenants.links import absolute_url
from commune.tenants.models import Municipality
from commune.tenants.selectors import municipality_by_id

from ..models import User


def password_link(*, user: User, link_town: Municipality | None = None) -> str:
    """The one-use link (Django's reset token) that lets `user` choose a password."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute_url(path, municipality=link_town)


def password_reset_request(*, email: str, link_town: Municipality | None = None) -> None:
    """Someone asked for a new password for `email`. A job is enqueued whether or not an
    account can use it (with no account it does nothing), and the mail leaves from the worker:
    the page takes the same time either way, so it does not tell which accounts exist."""
    user = (
        User.objects.filter(email__iexact=email.strip(), is_active=True)
        # as Django's reset form, except for staff: staff_create makes them without a
        # password, and once the welcome link has expired this is their way in
        .exclude(Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) & ~Q(kind=User.Kind.STAFF))
        .first()
    )
    user_id = user.pk if user else None
    town_id = link_town.pk if link_town else None
    transaction.on_commit(
        lambda: accounts_send_password_reset.enqueue(user_id=user_id, link_town_id=town_id)
    )


def password_reset_send(*, user: User, link_town: Municipality | None = None) -> None:
    mail_send(
        to=user.email,
        template="accounts_password_reset",
        context={"user": user, "link": password_link(user=user, link_town=link_town)},
        language=user.language,
    )


@task()
def accounts_send_password_reset(*, user_id: int | None, link_town_id: int | None = None) -> None:
    """The background job of password_reset_request(): with no user (nobody may reset a
    password for the address asked), nothing is sent."""
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is not None:
        password_reset_send(user=user, link_town=municipality_by_id(municipality_id=link_town_id))
