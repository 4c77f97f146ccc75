"""`{% load api_tokens %}{% api_tokens org %}`: an organisation's API tokens, for its manager."""

from django import template

from commune.permits.models import ApiToken

register = template.Library()


@register.inclusion_tag("permits/_api_tokens.html", takes_context=True)
def api_tokens(context, organisation):
    return {
        "org": organisation,
        "tokens": ApiToken.objects.filter(organisation=organisation),
        "new_token": context.get("new_token"),
        "new_token_org": context.get("new_token_org"),
        "csrf_token": context.get("csrf_token"),
    }
