"""The two matched people: messages inside the platform, and contact details shown to each
other only once both agreed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Message, Neighbour, Post
from .notify import notify_later


def side_of(post: Post, neighbour: Neighbour | None) -> str | None:
    """AUTHOR or PARTNER when `neighbour` is one of the post's two people, else None."""
    if neighbour is None:
        return None
    if post.author_id == neighbour.pk:
        return workflow.AUTHOR
    if post.partner_id == neighbour.pk:
        return workflow.PARTNER
    return None


def message_send(*, post: Post, sender: Neighbour, body: str) -> Message:
    if side_of(post, sender) is None or post.status not in workflow.CONVERSATION:
        raise ValidationError(_("Messages are possible between the two matched people only."))
    if post.partner_id is None or post.author_id is None:
        raise ValidationError(_("The coordinator passes on messages for this person."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    message = Message.objects.create(
        municipality=post.municipality, post=post, sender=sender, body=body[:2000]
    )
    notify_later("message", post_id=post.pk, to_author=side_of(post, sender) == workflow.PARTNER)
    return message


@transaction.atomic
def contacts_share(*, post: Post, side: str) -> Post:
    """One of the two agrees to show their phone and e-mail to the other (the coordinator
    says so for a caller, with their consent on the phone)."""
    if post.status not in workflow.CONVERSATION:
        raise ValidationError(_("Contact details can be shared once help is matched."))
    field = "author_shares" if side == workflow.AUTHOR else "partner_shares"
    setattr(post, field, True)
    post.save(update_fields=[field, "updated_at"])
    return post
