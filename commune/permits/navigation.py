"""The permits' links in the town navigation: the public works page and "my requests" for
everyone, the staff queue for the town's staff; nothing when the town has not the module. And
the permits' card on the town's home page. Registered with tenants from PermitsConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import has_role
from commune.tenants.models import Module

STAFF_ROLES = ("permit_officer", "municipality_admin", "service_reviewer")


def permit_nav_links(request) -> list[dict[str, str]]:
    town = request.municipality
    if Module.PERMITS not in town.enabled_modules():
        return []
    kwargs = {"town": town.slug}
    links = [
        {"url": reverse("works:map", kwargs=kwargs), "label": _("Excavation permits")},
        {"url": reverse("permits:mine", kwargs=kwargs), "label": _("My requests")},
    ]
    if has_role(request.user, town, *STAFF_ROLES):
        links.append({"url": reverse("permits:queue", kwargs=kwargs), "label": _("Permit queue")})
    return links


def permit_home_card(town) -> dict:
    kwargs = {"town": town.slug}
    new = {"url": reverse("permits:new", kwargs=kwargs), "label": _("Request a permit to dig")}
    return {"url": reverse("works:map", kwargs=kwargs), "links": [new]}
