"""The applicant's side follows a file (its e-mails) or stops: services/following.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.permits.selectors import permit_get_for_applicant
from commune.permits.services.following import permit_follow_set


@login_required
@require_POST
def permit_follow(request, permit_id: int):
    """`follows=1` follows the file, anything else stops; back to the request's page."""
    permit = permit_get_for_applicant(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    follows = request.POST.get("follows") == "1"
    try:
        permit_follow_set(permit=permit, user=request.user, follows=follows)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("You follow this file: its e-mails reach you.")
            if follows
            else _("You no longer receive the e-mails about this file."),
        )
    return redirect("permits:detail", town=request.municipality.slug, permit_id=permit.pk)
