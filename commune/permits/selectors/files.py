"""Which files each person may read: the applicant's own, the staff's (never a draft), and
who among the staff may open a file (its permit officers; the reviewers it was routed to)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from commune.accounts.access import has_role, reviewer_departments
from commune.accounts.models import OrganisationMember, Role
from commune.permits import workflow

from ..models import (
    ComplementRequest,
    PermitRequest,
    PermitSettings,
    ReviewTask,
)


def permit_settings_get(*, municipality) -> PermitSettings:
    """The town's permit settings, created with the defaults on first use."""
    settings, _ = PermitSettings.objects.get_or_create(municipality=municipality)
    return settings


def complement_open(*, permit: PermitRequest) -> ComplementRequest | None:
    """The complement the town still awaits from the applicant (the latest asked), if any."""
    return permit.complements.filter(answered_at__isnull=True).order_by("-asked_at").first()


def permit_list_for_applicant(*, municipality, user) -> QuerySet[PermitRequest]:
    """The requests `user` made, or made by an organisation `user` acts for."""
    org_ids = OrganisationMember.objects.filter(user=user).values("organisation_id")
    return (
        PermitRequest.objects.filter(municipality=municipality)
        .filter(Q(applicant=user) | Q(organisation_id__in=org_ids))
        .select_related("organisation")
        .order_by("-created_at")
    )


def permit_get_for_applicant(*, municipality, user, permit_id: int) -> PermitRequest:
    return get_object_or_404(
        permit_list_for_applicant(municipality=municipality, user=user), pk=permit_id
    )


# Who may open a file and its documents (plans, the permit and invoice PDFs): the one choke
# point, used by every view that shows a permit or hands out one of its files.

#: The town's permit staff: every submitted file is theirs.
PERMIT_STAFF = (Role.PERMIT_OFFICER, Role.MUNICIPALITY_ADMIN)
#: A reviewer's part in a file lasts while and after their service's review (not once removed).
ROUTED = workflow.TASK_ROUTED


def permit_list_for_staff(*, municipality) -> QuerySet[PermitRequest]:
    """Every file the town's staff may know of: all but drafts, which stay the applicant's own
    until submitted (queue, map, statistics, file pages and documents all start here)."""
    return PermitRequest.objects.filter(municipality=municipality).exclude(
        status__in=workflow.EDITABLE
    )


def permit_staff_may_open(*, municipality, user, permit: PermitRequest) -> bool:
    """Whether `user`, staff of `municipality`, has a part in `permit`: its permit officers
    and administrators in every submitted file; a service's reviewers in the files routed to
    their service. A mobility analyst or an agenda moderator has none."""
    if permit.status in workflow.EDITABLE:
        return False
    if has_role(user, municipality, *PERMIT_STAFF):
        return True
    departments = reviewer_departments(user, municipality)
    return bool(departments) and (
        ReviewTask.objects.filter(
            municipality=municipality,
            permit=permit,
            department_id__in=departments,
            status__in=ROUTED,
        ).exists()
    )


def permit_list_staff_may_open(*, municipality, user) -> QuerySet[PermitRequest]:
    """The files whose staff page `user` may open (permit_staff_may_open as a query): every
    submitted file for the permit staff, the files routed to their service for a reviewer."""
    files = permit_list_for_staff(municipality=municipality)  # never a draft
    if has_role(user, municipality, *PERMIT_STAFF):
        return files
    routed = ReviewTask.objects.filter(
        municipality=municipality,
        permit=OuterRef("pk"),
        department_id__in=reviewer_departments(user, municipality),
        status__in=ROUTED,
    )
    return files.filter(Exists(routed))


def permit_ids_staff_may_open(*, municipality, user, ids) -> set[int]:
    """Of the files `ids`, those whose staff page `user` may open: the pages that name other
    files link these only."""
    files = permit_list_staff_may_open(municipality=municipality, user=user).filter(pk__in=ids)
    return set(files.values_list("pk", flat=True))


def permit_get_for_staff(*, municipality, user, permit_id: int) -> PermitRequest:
    """The file `permit_id` for a member of the town's staff: Http404 for a draft or an id
    the town does not have, PermissionDenied when `user` has no part in it."""
    permit = (
        permit_list_for_staff(municipality=municipality)
        .select_related("applicant", "organisation")
        .filter(pk=permit_id)
        .first()
    )
    if permit is None:
        raise Http404
    if not permit_staff_may_open(municipality=municipality, user=user, permit=permit):
        raise PermissionDenied
    return permit


def permit_get_for_reader(*, municipality, user, permit_id: int) -> PermitRequest:
    """The permit whose documents `user` (the request's user) may open: the applicant and the
    members of its organisation, drafts included; the town's staff who passed the second
    factor, as permit_get_for_staff() decides. Everyone else gets Http404 — someone with no
    role in the town, another town's id — so that nobody learns which ids exist."""
    own = permit_list_for_applicant(municipality=municipality, user=user).filter(pk=permit_id)
    permit = own.first()
    if permit is not None:
        return permit
    is_verified = getattr(user, "is_verified", None)
    if not (has_role(user, municipality) and is_verified and is_verified()):
        raise Http404
    return permit_get_for_staff(municipality=municipality, user=user, permit_id=permit_id)
