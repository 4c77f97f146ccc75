"""Thin job wrappers: they take ids, load the rows and call the services."""

from django_tasks import task

from commune.tenants.models import Municipality

from . import services
from .models import OrganisationInvitation, User


@task()
def accounts_send_verification(*, user_id: int, base_url: str) -> None:
    user = User.objects.filter(pk=user_id, email_verified=False).first()
    if user is not None:
        services.verification_send(user=user, base_url=base_url)


@task()
def accounts_send_invitation(*, invitation_id: int, base_url: str) -> None:
    invitation = OrganisationInvitation.objects.filter(
        pk=invitation_id, accepted_at__isnull=True
    ).first()
    if invitation is not None:
        services.invitation_send(invitation=invitation, base_url=base_url)


@task()
def accounts_send_staff_welcome(*, user_id: int, municipality_id: int, base_url: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if user is not None and municipality is not None:
        services.staff_welcome_send(user=user, municipality=municipality, base_url=base_url)
