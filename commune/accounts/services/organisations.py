"""Companies and utilities: a manager invites colleagues and removes members."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from commune.core import audit
from commune.core.mail import mail_send
from commune.tenants.links import absolute_url
from commune.tenants.models import Municipality
from commune.tenants.selectors import municipality_by_id

from .. import tokens
from ..models import Organisation, OrganisationInvitation, OrganisationMember, User


def _check_manager(organisation: Organisation, user: User) -> None:
    if not OrganisationMember.objects.filter(
        organisation=organisation, user=user, is_manager=True
    ).exists():
        raise PermissionDenied


@transaction.atomic
def organisation_invite(
    *,
    organisation: Organisation,
    manager: User,
    email: str,
    link_town: Municipality | None = None,
) -> OrganisationInvitation:
    """Invite `email` to act for the organisation; inviting the same address again resends
    the pending invitation instead of creating a second one. The mail's link is on
    `link_town`'s own domain when it has one."""
    _check_manager(organisation, manager)
    email = User.objects.normalize_email(email).lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    invitation = organisation.invitations.filter(email=email, accepted_at__isnull=True).first()
    if invitation is None:
        invitation = OrganisationInvitation.objects.create(
            organisation=organisation, email=email, invited_by=manager
        )
        audit.record(actor=manager, obj=organisation, action="invite", after={"email": email})
    town_id = link_town.pk if link_town else None
    transaction.on_commit(
        lambda: accounts_send_invitation.enqueue(invitation_id=invitation.pk, link_town_id=town_id)
    )
    return invitation


def invitation_send(
    *, invitation: OrganisationInvitation, link_town: Municipality | None = None
) -> None:
    link = absolute_url(
        reverse("accounts:invitation", kwargs={"token": tokens.invitation_token(invitation)}),
        municipality=link_town,
    )
    inviter = invitation.invited_by
    mail_send(
        to=invitation.email,
        template="accounts_invitation",
        context={"invitation": invitation, "link": link, "inviter": inviter},
        language=inviter.language if inviter else None,
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: OrganisationInvitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    language: str = "fr",
) -> User:
    """Make the invitee a member. Without `user`, creates their account (the link proved the
    address); an address that already has an account must log in first."""
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account with this e-mail address exists: log in, then open the link again.")
            )
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=full_name,
            language=language,
            kind=User.Kind.COMPANY,
            email_verified=True,
        )
    elif user.email.lower() != invitation.email:
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    OrganisationMember.objects.get_or_create(organisation=invitation.organisation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    audit.record(
        actor=user, obj=invitation.organisation, action="join", after={"email": user.email}
    )
    return user


@transaction.atomic
def organisation_member_remove(
    *, organisation: Organisation, manager: User, member: OrganisationMember
) -> None:
    _check_manager(organisation, manager)
    if member.organisation_id != organisation.pk:
        raise PermissionDenied
    if member.user_id == manager.pk:
        raise ValidationError(_("You cannot remove yourself."))
    audit.record(
        actor=manager, obj=organisation, action="remove_member", before={"email": member.user.email}
    )
    member.delete()


@task()
def accounts_send_invitation(*, invitation_id: int, link_town_id: int | None = None) -> None:
    """The background job of organisation_invite(): nothing for an invitation since accepted."""
    invitation = OrganisationInvitation.objects.filter(
        pk=invitation_id, accepted_at__isnull=True
    ).first()
    if invitation is not None:
        town = municipality_by_id(municipality_id=link_town_id)
        invitation_send(invitation=invitation, link_town=town)
