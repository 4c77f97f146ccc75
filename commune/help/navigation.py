"""Neighbourhood help's links in the town navigation (help for everyone signed in, the
coordinator's desk for coordinators) and its home-page card. Registered from HelpConfig."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import has_role
from commune.accounts.models import Role
from commune.tenants.models import Module

COORDINATORS = (Role.HELP_COORDINATOR,)


def help_nav_links(request) -> list[dict[str, str]]:
    town = request.municipality
    if Module.HELP not in town.enabled_modules():
        return []
    kwargs = {"town": town.slug}
    links = [{"url": reverse("help:home", kwargs=kwargs), "label": _("Neighbourhood help")}]
    if has_role(request.user, town, *COORDINATORS):
        links.append({"url": reverse("help:desk", kwargs=kwargs), "label": _("Help desk")})
    return links


def help_home_card(town) -> dict:
    kwargs = {"town": town.slug}
    join = {"url": reverse("help:join", kwargs=kwargs), "label": _("Join your neighbours")}
    return {"url": reverse("help:home", kwargs=kwargs), "links": [join]}
