"""Reads of neighbourhood help, `municipality` first. Who sees a post is decided here once:
its author, the person matched with it, and — while it is open — the verified neighbours of
its neighbourhood, or within its radius when it has one. Unverified residents see nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from . import workflow
from .models import Block, Neighbour, Neighbourhood, Post, Report


def neighbourhood_list(*, municipality) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(municipality=municipality)


def neighbour_of(*, municipality, user) -> Neighbour | None:
    if not user.is_authenticated:
        return None
    return (
        Neighbour.objects.filter(municipality=municipality, user=user)
        .select_related("neighbourhood")
        .first()
    )


def blocked_ids(neighbour: Neighbour) -> set[int]:
    """The neighbours `neighbour` blocked or was blocked by: they never meet again here."""
    pairs = Block.objects.filter(Q(blocker=neighbour) | Q(blocked=neighbour)).values_list(
        "blocker_id", "blocked_id"
    )
    return {other for pair in pairs for other in pair} - {neighbour.pk}


def _in_reach(post: Post, neighbour: Neighbour) -> bool:
    if post.radius_m:
        if post.location is None or neighbour.location is None:
            return False
        return post.location.distance(neighbour.location) <= post.radius_m
    return post.neighbourhood_id == neighbour.neighbourhood_id


def post_visible_to(*, post: Post, neighbour: Neighbour | None) -> bool:
    if neighbour is None or not neighbour.is_verified:
        return False
    if neighbour.pk in (post.author_id, post.partner_id):
        return True
    if post.author_id in blocked_ids(neighbour):
        return False
    return post.status in workflow.ANSWERABLE and _in_reach(post, neighbour)


def post_list_nearby(*, municipality, neighbour: Neighbour | None) -> list[Post]:
    """The open posts `neighbour` may answer (not their own), newest first."""
    if neighbour is None or not neighbour.is_verified:
        return []
    candidates = (
        Post.objects.filter(municipality=municipality, status__in=workflow.ANSWERABLE)
        .exclude(author=neighbour)
        .exclude(author__in=blocked_ids(neighbour))
        .filter(Q(neighbourhood_id=neighbour.neighbourhood_id) | Q(radius_m__isnull=False))
        .select_related("neighbourhood")
    )
    return [p for p in candidates if _in_reach(p, neighbour)]


def post_list_mine(*, municipality, neighbour: Neighbour | None) -> QuerySet[Post]:
    if neighbour is None:
        return Post.objects.none()
    return (
        Post.objects.filter(municipality=municipality)
        .filter(Q(author=neighbour) | Q(partner=neighbour) | Q(answers__neighbour=neighbour))
        .distinct()
        .select_related("neighbourhood")
    )


def post_list_for_coordinator(*, municipality, status: str = "") -> QuerySet[Post]:
    posts = Post.objects.filter(municipality=municipality).select_related(
        "neighbourhood", "author__user", "caller", "partner__user", "partner_caller"
    )
    return posts.filter(status=status) if status else posts


def calls_due(*, municipality, today: dt.date) -> QuerySet[Post]:
    """Posts whose call-back day (the town's date) is today or past, still running."""
    return (
        post_list_for_coordinator(municipality=municipality)
        .filter(follow_up_on__lte=today)
        .exclude(status__in=workflow.CLOSED)
        .order_by("follow_up_on", "pk")
    )


def neighbour_list_pending(*, municipality) -> QuerySet[Neighbour]:
    return Neighbour.objects.filter(
        municipality=municipality, status=Neighbour.Status.PENDING
    ).select_related("user", "neighbourhood")


def report_list_open(*, municipality) -> QuerySet[Report]:
    return Report.objects.filter(municipality=municipality, handled_at=None).select_related(
        "post", "reporter__user"
    )
