"""Who may open a post: the `access_*` functions the views call first. Each gives the post or
raises Http404 — another town's post, a post out of the reader's reach, anything for an
unverified resident — never a 403 that would say it exists. Coordinator pages are behind
`staff_required(Role.HELP_COORDINATOR)` (403 for everyone else)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from commune.accounts.access import has_role
from commune.accounts.models import Role

from .models import Neighbour, Post
from .selectors import neighbour_of, post_visible_to

COORDINATORS = (Role.HELP_COORDINATOR,)


def is_coordinator(*, municipality, user) -> bool:
    return has_role(user, municipality, *COORDINATORS)


@dataclass(frozen=True)
class Reader:
    """A post as a verified neighbour may see it, with who they are to it."""

    post: Post
    neighbour: Neighbour


def access_post_for_neighbour(*, municipality, user, post_id: int) -> Reader:
    neighbour = neighbour_of(municipality=municipality, user=user)
    post = get_object_or_404(
        Post.objects.filter(municipality=municipality).select_related(
            "neighbourhood", "author__user", "partner__user", "event"
        ),
        pk=post_id,
    )
    if not post_visible_to(post=post, neighbour=neighbour):
        raise Http404
    return Reader(post=post, neighbour=neighbour)


def access_post_for_coordinator(*, municipality, post_id: int) -> Post:
    """Any post of the town (the view is behind staff_required(HELP_COORDINATOR))."""
    return get_object_or_404(
        Post.objects.filter(municipality=municipality).select_related(
            "neighbourhood", "author__user", "partner__user", "caller", "partner_caller"
        ),
        pk=post_id,
    )


def access_neighbour_for_coordinator(*, municipality, neighbour_id: int) -> Neighbour:
    return get_object_or_404(
        Neighbour.objects.filter(municipality=municipality).select_related("user"),
        pk=neighbour_id,
    )
