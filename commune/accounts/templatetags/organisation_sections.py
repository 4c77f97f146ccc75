"""`{% load organisation_sections %}{% organisation_sections org %}`: the sections other apps
registered for an organisation's page (commune/accounts/sections.py)."""

from django import template
from django.utils.html import format_html_join

from commune.accounts.sections import organisation_sections as registered

register = template.Library()


@register.simple_tag(takes_context=True, name="organisation_sections")
def organisation_sections(context, organisation):
    flat = context.flatten()
    return format_html_join("", "{}", ((section(flat, organisation),) for section in registered()))
