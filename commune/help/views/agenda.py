"""The desk registers a caller for a date of an agenda activity "on behalf of" them, as the
agenda's counter does, through the agenda's own service and form (Role.HELP_COORDINATOR; the
organiser's attendee list stays the organiser's). Reached from each date of an event with
places ("Register a caller"), optionally ?caller=<id> to fill in a known caller. Another
town's event, or one not published, is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.accounts.access import staff_required
from commune.accounts.models import Role
from commune.agenda.access import access_event_public
from commune.agenda.recurrence import local
from commune.agenda.views.registrations import on_behalf_form, on_behalf_saved
from commune.tenants.models import Module

from ..access import is_coordinator
from ..models import Caller


def register_caller_link(request, event, occurrence) -> dict | None:
    """Under each date of an activity with places, for the coordinator: register a caller."""
    town = request.municipality
    if (
        event.capacity is None
        or Module.HELP not in town.enabled_modules()
        or not request.user.is_authenticated
        or not is_coordinator(municipality=town, user=request.user)
    ):
        return None
    day = local(occurrence.start)
    return {
        "url": reverse("help:agenda-register", kwargs={"town": town.slug, "event_id": event.pk})
        + f"?occurrence={occurrence.key}",
        "label": _("Register a caller for %(day)s") % {"day": f"{day:%d.%m.%Y}"},
    }


def _initial(request, town) -> dict:
    initial = {"channel": "phone", "occurrence": request.GET.get("occurrence", "")}
    caller_id = request.GET.get("caller", "")
    if caller_id.isdigit():
        caller = get_object_or_404(Caller, municipality=town, pk=caller_id)
        initial.update(name=caller.name, phone=caller.phone, address=caller.address)
    return initial


@staff_required(Role.HELP_COORDINATOR)
def agenda_register(request, event_id: int):
    town = request.municipality
    event = access_event_public(municipality=town, event_id=event_id)
    now = timezone.now()
    form = on_behalf_form(
        event, data=request.POST or None, initial=_initial(request, town), now=now
    )
    status = 200
    if request.method == "POST":
        if on_behalf_saved(request, form, event=event, now=now):
            return redirect(reverse("help:desk", kwargs={"town": town.slug}))
        status = 400
    return render(
        request, "help/agenda_register.html", {"event": event, "form": form}, status=status
    )
