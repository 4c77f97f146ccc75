"""{% follow_box %}: on a request's page, whether the reader receives its e-mails, and the
button to follow the file or stop (services/following.py)."""

from __future__ import annotations

from django import template

from commune.permits import workflow
from commune.permits.services.following import permit_follows

register = template.Library()


@register.inclusion_tag("permits/_follow.html", takes_context=True)
def follow_box(context) -> dict:
    permit, request = context["permit"], context["request"]
    shown = permit.organisation_id is not None and permit.status not in workflow.EDITABLE
    return {
        "shown": shown,
        "permit": permit,
        "town": context["town"],
        "follows": shown and permit_follows(permit=permit, user=request.user),
        "csrf_token": context.get("csrf_token"),
    }
