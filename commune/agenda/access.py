"""Who may open or act on an event: the `access_*` functions the views call first. Each gives
the event or raises Http404 — another town's event, another organisation's draft, an event
the public may not see yet — never a 403 that would say it exists."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from commune.accounts.access import has_role
from commune.accounts.models import Role

from . import workflow
from .models import Event
from .selectors import event_list_for_organiser, event_list_public

MODERATORS = (Role.AGENDA_MODERATOR, Role.MUNICIPALITY_ADMIN)


def is_moderator(*, municipality, user) -> bool:
    return has_role(user, municipality, *MODERATORS)


def access_event_public(*, municipality, event_id: int) -> Event:
    return get_object_or_404(
        event_list_public(municipality=municipality).select_related("venue", "organisation"),
        pk=event_id,
    )


def access_event_for_organiser(*, municipality, user, event_id: int) -> Event:
    """An event of an organisation `user` acts for; the town's own events for moderators."""
    if not user.is_authenticated:
        raise Http404
    events = event_list_for_organiser(
        municipality=municipality,
        user=user,
        town_events=is_moderator(municipality=municipality, user=user),
    )
    return get_object_or_404(events, pk=event_id)


def access_event_for_moderation(*, municipality, user, event_id: int) -> Event:
    """Any event of the town but a draft, for its moderators (others: 404)."""
    if not is_moderator(municipality=municipality, user=user):
        raise Http404
    events = Event.objects.filter(municipality=municipality).exclude(
        status__in=workflow.EDITABLE - {"rejected"}
    )
    return get_object_or_404(events.select_related("venue", "organisation"), pk=event_id)
