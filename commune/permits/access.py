"""Who may act on a request: the `access_*` functions the views call before acting (Zulip's
style), each returning the object or raising Http404 (another town's or an unknown id, a draft
for the staff), PermissionDenied (a member of staff without that right) or ValidationError (an
action the request's state no longer allows, said to its applicant), and what the file's page
offers to the member of staff reading it.

Who may *open* a file and its documents is decided by `selectors.permit_get_for_*`; the
roles themselves by `accounts.access`. The states in which an action is possible come from
`workflow`; the services check them again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from commune.accounts.access import has_role, reviewer_departments
from commune.accounts.models import Role

from . import workflow
from .models import PermitRequest, ReviewTask
from .selectors import permit_get_for_applicant, permit_list_for_staff, permit_settings_get

#: The town's permit staff: they decide, add and remove services, answer extensions.
OFFICERS = (Role.PERMIT_OFFICER, Role.MUNICIPALITY_ADMIN)


def is_officer(*, municipality, user) -> bool:
    return has_role(user, municipality, *OFFICERS)


def may_inspect(*, municipality, user) -> bool:
    """The permit officers, and the reviewers of the service the town's settings name as
    inspecting the works (PermitSettings.inspecting_department; none: the officers only)."""
    if is_officer(municipality=municipality, user=user):
        return True
    inspecting = permit_settings_get(municipality=municipality).inspecting_department_id
    return inspecting is not None and inspecting in reviewer_departments(user, municipality)


def access_permit_for_inspection(*, municipality, user, permit_id: int) -> PermitRequest:
    """The file `permit_id` for its inspection: the inspecting service inspects every work of
    the town, routed to it or not, but never a draft (404); PermissionDenied for anyone else."""
    permit = get_object_or_404(permit_list_for_staff(municipality=municipality), pk=permit_id)
    if not may_inspect(municipality=municipality, user=user):
        raise PermissionDenied
    return permit


def access_task_for_review(*, municipality, user, task_id: int) -> ReviewTask:
    """A service's review for one of that service's reviewers: 404 for an id the town does not
    have, PermissionDenied for another service's review or one the officer removed."""
    task = get_object_or_404(
        ReviewTask.objects.filter(municipality=municipality).select_related("permit", "department"),
        pk=task_id,
    )
    mine = reviewer_departments(user, municipality)
    if task.department_id not in mine or task.status not in workflow.TASK_ROUTED:
        raise PermissionDenied
    return task


def task_review_actions(*, municipality, user, task: ReviewTask) -> frozenset[str]:
    """What the review's page offers its reviewer (the answer while the review runs)."""
    return workflow.task_actions(
        task.status,
        task.permit.status,
        mine=task.department_id in reviewer_departments(user, municipality),
        is_officer=False,
    )


def permit_staff_actions(*, municipality, user, permit: PermitRequest) -> frozenset[str]:
    """What the file's page offers this member of staff (workflow.staff_actions)."""
    return workflow.staff_actions(
        permit.status,
        is_officer=is_officer(municipality=municipality, user=user),
        may_inspect=may_inspect(municipality=municipality, user=user),
    )


def access_draft_for_edit(*, municipality, user, permit_id: int) -> PermitRequest:
    """The applicant's request to edit: Http404 when it is not theirs (selectors), and a
    ValidationError saying why once it is submitted (it can then only be supplemented)."""
    permit = permit_get_for_applicant(municipality=municipality, user=user, permit_id=permit_id)
    if permit.status not in workflow.EDITABLE:
        raise ValidationError(
            _("A submitted request cannot be edited, only supplemented."), code="submitted"
        )
    return permit
