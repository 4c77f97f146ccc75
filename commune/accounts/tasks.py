"""Thin job wrappers: they take ids, load the rows and call the services."""

from django_tasks import task

from commune.tenants.models import Municipality

from . import services
from .models import OrganisationInvitation, User


def _town(municipality_id: int | None) -> Municipality | None:
    if municipality_id is None:
        return None
    return Municipality.objects.filter(pk=municipality_id).first()


@task()
def accounts_send_verification(*, user_id: int | None, link_town_id: int | None = None) -> None:
    """With no user (no unverified account for the address asked), nothing is sent."""
    user = User.objects.filter(pk=user_id, email_verified=False).first() if user_id else None
    if user is not None:
        services.verification_send(user=user, link_town=_town(link_town_id))


@task()
def accounts_send_invitation(*, invitation_id: int, link_town_id: int | None = None) -> None:
    invitation = OrganisationInvitation.objects.filter(
        pk=invitation_id, accepted_at__isnull=True
    ).first()
    if invitation is not None:
        services.invitation_send(invitation=invitation, link_town=_town(link_town_id))


@task()
def accounts_send_password_reset(*, user_id: int | None, link_town_id: int | None = None) -> None:
    """With no user (nobody may reset a password for the address asked), nothing is sent."""
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is not None:
        services.password_reset_send(user=user, link_town=_town(link_town_id))


@task()
def accounts_send_staff_welcome(*, user_id: int, municipality_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    municipality = _town(municipality_id)
    if user is not None and municipality is not None:
        services.staff_welcome_send(user=user, municipality=municipality)
