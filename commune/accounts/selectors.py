"""Reads on accounts."""

from __future__ import annotations

from dataclasses import dataclass, field

from commune.tenants import scoping

from .models import Membership, Role, User


def account_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@dataclass
class OrganisationPage:
    membership: object
    members: list = field(default_factory=list)
    pending: list = field(default_factory=list)


def organisation_pages(*, user: User) -> list[OrganisationPage]:
    """The user's organisations; for those they manage, the members and open invitations."""
    pages = []
    for membership in user.org_memberships.select_related("organisation").order_by(
        "organisation__name"
    ):
        page = OrganisationPage(membership=membership)
        if membership.is_manager:
            org = membership.organisation
            page.members = list(org.memberships.select_related("user").order_by("user__full_name"))
            page.pending = list(org.invitations.filter(accepted_at__isnull=True))
        pages.append(page)
    return pages


@dataclass
class TownRoles:
    municipality: object
    roles: list = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return any(m.role == Role.MUNICIPALITY_ADMIN for m in self.roles)


def roles_by_town(*, user: User) -> list[TownRoles]:
    """Every role the user holds, grouped by town (the one place that looks across towns)."""
    with scoping.scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=user)
            .select_related("municipality", "department")
            .order_by("municipality__name", "role")
        )
    towns: dict[int, TownRoles] = {}
    for membership in memberships:
        towns.setdefault(
            membership.municipality_id, TownRoles(municipality=membership.municipality)
        ).roles.append(membership)
    return list(towns.values())
