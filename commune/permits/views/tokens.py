"""The organisation manager creates and revokes API tokens (on /accounts/organisation/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.accounts import selectors as account_selectors
from commune.accounts.forms import EmailForm
from commune.accounts.models import OrganisationMember
from commune.permits.models import ApiToken
from commune.permits.services.tokens import api_token_create, api_token_revoke


def _managed(request, org_id: int) -> OrganisationMember:
    return get_object_or_404(
        OrganisationMember, organisation_id=org_id, user=request.user, is_manager=True
    )


@login_required
@require_POST
def api_token_new(request, org_id: int):
    membership = _managed(request, org_id)
    try:
        _token, raw = api_token_create(
            organisation=membership.organisation,
            manager=request.user,
            name=request.POST.get("name", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("accounts:organisation")
    # The secret is shown once, in this response; it is never stored nor put in the session.
    return render(
        request,
        "accounts/organisation.html",
        {
            "entries": account_selectors.organisation_pages(user=request.user),
            "invite_form": EmailForm(),
            "new_token": raw,
            "new_token_org": membership.organisation_id,
        },
    )


@login_required
@require_POST
def api_token_revoke_view(request, org_id: int, token_id: int):
    membership = _managed(request, org_id)
    token = get_object_or_404(ApiToken, pk=token_id, organisation=membership.organisation)
    api_token_revoke(token=token, manager=request.user, now=timezone.now())
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:organisation")
