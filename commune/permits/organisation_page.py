"""The permits' section of an organisation's page: its API tokens, for its manager (registered
with accounts from PermitsConfig.ready)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .models import ApiToken


def api_tokens_section(context: dict, organisation) -> SafeString:
    return render_to_string(
        "permits/_api_tokens.html",
        {
            "org": organisation,
            "tokens": ApiToken.objects.filter(organisation=organisation),
            "new_token": context.get("new_token"),
            "new_token_org": context.get("new_token_org"),
            "csrf_token": context.get("csrf_token"),
        },
    )
