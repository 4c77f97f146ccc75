"""The agenda's links in the town navigation (the agenda for everyone, "my activities" for
organisation members, the moderation queue for moderators) and its home-page card.
Registered with tenants from AgendaConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commune.accounts.access import has_role
from commune.accounts.models import OrganisationMember, Role
from commune.tenants.models import Module

MODERATORS = (Role.AGENDA_MODERATOR, Role.MUNICIPALITY_ADMIN)


def agenda_nav_links(request) -> list[dict[str, str]]:
    town = request.municipality
    if Module.AGENDA not in town.enabled_modules():
        return []
    kwargs = {"town": town.slug}
    links = [{"url": reverse("agenda:list", kwargs=kwargs), "label": _("Agenda")}]
    user = request.user
    moderator = has_role(user, town, *MODERATORS)
    if moderator or (
        user.is_authenticated and OrganisationMember.objects.filter(user=user).exists()
    ):
        links.append({"url": reverse("agenda:mine", kwargs=kwargs), "label": _("My activities")})
    if moderator:
        links.append({"url": reverse("agenda:queue", kwargs=kwargs), "label": _("Agenda queue")})
        links.append({"url": reverse("agenda:venues", kwargs=kwargs), "label": _("Venues")})
        links.append(
            {"url": reverse("agenda:letters", kwargs=kwargs), "label": _("Letters to post")}
        )
        links.append({"url": reverse("agenda:paper", kwargs=kwargs), "label": _("Agenda on paper")})
    return links


def agenda_home_card(town) -> dict:
    kwargs = {"town": town.slug}
    new = {"url": reverse("agenda:new", kwargs=kwargs), "label": _("Announce an activity")}
    digest = {
        "url": reverse("agenda:digest:subscribe", kwargs=kwargs),
        "label": _("The agenda by e-mail"),
    }
    paper = {
        "url": reverse("agenda:paper-week", kwargs=kwargs),
        "label": _("This week in large print (PDF)"),
    }
    embed = {"url": reverse("agenda:embed", kwargs=kwargs), "label": _("The agenda on your site")}
    return {"url": reverse("agenda:list", kwargs=kwargs), "links": [new, digest, paper, embed]}
