"""Town staff: accounts created by a municipality admin, and the roles they hold."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from commune.core import audit
from commune.core.mail import mail_send
from commune.tenants import scoping
from commune.tenants.selectors import municipality_by_id

from ..models import Membership, Role, User
from .passwords import password_link


@transaction.atomic
def staff_create(
    *,
    municipality,
    actor: User,
    email: str,
    full_name: str,
    language: str = "",
) -> User:
    """The person with this e-mail, created if new (they get a link to choose their
    password, on the town's own domain when it has one). An existing account is reused, so
    one person can serve several towns; one that still has no password gets this town's link
    (an earlier link may have expired, or gone to a town that then dropped them)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.has_usable_password():
            _enqueue_welcome(user, municipality)
        return user
    if not full_name.strip():
        raise ValidationError({"full_name": _("Enter the person's name.")})
    user = User.objects.create_user(
        email,
        None,
        full_name=full_name.strip(),
        kind=User.Kind.STAFF,
        language=language or municipality.default_language,
    )
    audit.record(
        actor=actor,
        obj=user,
        action="staff_create",
        after={"email": email, "municipality": municipality.slug},
    )
    _enqueue_welcome(user, municipality)
    return user


def _enqueue_welcome(user: User, municipality) -> None:
    transaction.on_commit(
        lambda: accounts_send_staff_welcome.enqueue(
            user_id=user.pk, municipality_id=municipality.pk
        )
    )


def staff_welcome_send(*, user: User, municipality) -> None:
    """Mail the new staff member a link to choose their password (Django's reset token)."""
    link = password_link(user=user, link_town=municipality)
    mail_send(
        to=user.email,
        template="accounts_staff_welcome",
        context={"user": user, "town": municipality, "link": link},
        language=user.language,
    )


@transaction.atomic
def role_grant(*, municipality, actor: User, user: User, role: str, department=None) -> Membership:
    """Give `user` a role in `municipality`; a service reviewer's role names a department of
    that same town, other roles none."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.SERVICE_REVIEWER:
        if department is None:
            raise ValidationError({"department": _("A service reviewer needs a department.")})
        if department.municipality_id != municipality.pk:
            raise ValidationError({"department": _("Choose a department of this municipality.")})
    else:
        department = None
    with scoping.scope(municipality):
        if Membership.objects.filter(user=user, role=role, department=department).exists():
            raise ValidationError(_("This person already holds this role."))
        membership = Membership.objects.create(
            municipality=municipality, user=user, role=role, department=department
        )
    audit.record(
        actor=actor,
        obj=membership,
        action="role_grant",
        after={"user": user.email, "role": role, "department": department},
    )
    return membership


@transaction.atomic
def role_revoke(*, municipality, actor: User, membership: Membership) -> None:
    """Take a role away; the town always keeps at least one municipality administrator."""
    if membership.municipality_id != municipality.pk:
        raise ValidationError(_("This role belongs to another municipality."))
    with scoping.scope(municipality):
        if (
            membership.role == Role.MUNICIPALITY_ADMIN
            and Membership.objects.filter(role=Role.MUNICIPALITY_ADMIN).count() <= 1
        ):
            raise ValidationError(_("The municipality must keep at least one administrator."))
        audit.record(
            actor=actor,
            obj=membership,
            action="role_revoke",
            before={
                "user": membership.user.email,
                "role": membership.role,
                "department": membership.department_id,
            },
        )
        membership.delete()


@task()
def accounts_send_staff_welcome(*, user_id: int, municipality_id: int) -> None:
    """The background job of staff_create()."""
    user = User.objects.filter(pk=user_id).first()
    municipality = municipality_by_id(municipality_id=municipality_id)
    if user is not None and municipality is not None:
        staff_welcome_send(user=user, municipality=municipality)
