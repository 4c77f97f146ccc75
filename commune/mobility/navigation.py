"""The observatory in the town's pages (registered with tenants from MobilityConfig.ready): its
card on the home page and its links in the town's navigation. The public reads the published
figures; the town's analysts also get their own page (free filters, imports, evaluations)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import has_role
from commune.accounts.models import Role
from commune.tenants.models import Module


def observatory_home_card(town) -> dict:
    """The home page is the public's: its card opens the published figures."""
    return {"url": reverse("mobility:observatory-open", kwargs={"town": town.slug}), "links": []}


def observatory_nav_links(request) -> list[dict[str, str]]:
    town = request.municipality
    if Module.MOBILITY not in town.enabled_modules():
        return []
    kwargs = {"town": town.slug}
    links = [{"url": reverse("mobility:observatory-open", kwargs=kwargs), "label": _("Mobility")}]
    if has_role(request.user, town, Role.MOBILITY_ANALYST):
        links.append(
            {
                "url": reverse("mobility:observatory", kwargs=kwargs),
                "label": _("Analysts' observatory"),
            }
        )
    return links
