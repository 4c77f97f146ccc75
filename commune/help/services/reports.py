"""Reports of abuse and blocks: a neighbour who sees a post flags it for the coordinator, once; the
coordinator marks it handled (and closes the post through posts.post_close if needed). A
neighbour may also block another: neither sees the other's posts nor answers them again."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commune.core import audit

from ..models import Block, Neighbour, Post, Report


def post_report(*, post: Post, neighbour: Neighbour, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say in a few words what is wrong.")})
    try:
        with transaction.atomic():
            report = Report.objects.create(
                municipality=post.municipality, post=post, reporter=neighbour, reason=reason[:500]
            )
            audit.record(actor=neighbour.user, obj=post, action="post_report")
    except IntegrityError:
        return Report.objects.get(post=post, reporter=neighbour)
    return report


@transaction.atomic
def report_handle(*, report: Report, coordinator, now: dt.datetime) -> Report:
    report.handled_at = now
    report.save(update_fields=["handled_at", "updated_at"])
    audit.record(actor=coordinator, obj=report.post, action="report_handled")
    return report


def neighbour_block(*, blocker: Neighbour, blocked: Neighbour) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."))
    block, _created = Block.objects.get_or_create(
        municipality=blocker.municipality, blocker=blocker, blocked=blocked
    )
    return block
