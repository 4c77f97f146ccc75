"""Who is told what: the author of a post that someone answered (the coordinators when the
author is a caller without account), the helper whose answer was accepted, the other person
of a new message. Mails carry no address nor phone: only a link to the page. Sent after
commit by a job, in each person's language."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from commune.accounts.models import Membership, Role
from commune.core.mail import mail_send
from commune.tenants import scoping
from commune.tenants.links import absolute_url

from ..models import Post

logger = logging.getLogger("commune.help")

KINDS = {"answered", "matched", "message"}


def notify_later(kind: str, *, post_id: int, to_author: bool = True) -> None:
    assert kind in KINDS, kind
    transaction.on_commit(
        lambda: help_notify.enqueue(kind=kind, post_id=post_id, to_author=to_author)
    )


def _coordinators() -> list:
    members = Membership.objects.filter(role=Role.HELP_COORDINATOR).select_related("user")
    return [m.user for m in members if m.user.is_active]


def _recipients(kind: str, post: Post, to_author: bool) -> list[tuple[object, str]]:
    """(user, page name) pairs; the coordinators' page for a caller's post."""
    if kind == "matched":
        to_author = False
    if to_author and post.author_id is None:
        return [(user, "help:manage") for user in _coordinators()]
    person = post.author if to_author else post.partner
    return [(person.user, "help:post")] if person is not None else []


def send(*, kind: str, post: Post, to_author: bool = True) -> int:
    sent = 0
    for user, page in _recipients(kind, post, to_author):
        url = absolute_url(
            reverse(page, kwargs={"town": post.municipality.slug, "post_id": post.pk}),
            municipality=post.municipality,
        )
        sent += mail_send(
            to=user.email,
            template=f"help_{kind}",
            context={"post": post, "town": post.municipality, "url": url},
            language=user.language,
        )
    logger.info("help mail sent", extra={"kind": kind, "post": post.pk, "sent": sent})
    return sent


@task()
def help_notify(*, kind: str, post_id: int, to_author: bool = True) -> int:
    """The job of notify_later(): the e-mails of `kind`, in the post's town."""
    with scoping.scopes_disabled():
        town = Post.objects.select_related("municipality").get(pk=post_id).municipality
    with scoping.scope(town):
        post = Post.objects.select_related(
            "municipality", "author__user", "partner__user", "caller"
        ).get(pk=post_id)
        return send(kind=kind, post=post, to_author=to_author)
