"""The desk registers a caller for a date of an agenda activity "on behalf of" them, as the
agenda's counter does, through the agenda's own service and form (Role.HELP_COORDINATOR; the
organiser's attendee list stays the organiser's). Reached from each date of an event with
places ("Register a caller"), optionally ?caller=<id> to fill in a known caller. Another
town's event, or one not published, is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.accounts.access import staff_required
from commune.accounts.models import Role
from commune.agenda.access import access_event_public
from commune.agenda.recurrence import local, occurrence_key_parse
from commune.agenda.selectors import HORIZON
from commune.agenda.services.dates import event_occurrences
from commune.agenda.services.registrations import registration_create
from commune.agenda.views.registrations import OnBehalfForm, registered_message
from commune.tenants.models import Module

from ..access import is_coordinator
from ..models import Caller
from .common import errors_to_form


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
    coming = [
        o
        for o in event_occurrences(event=event, after=now, before=now + HORIZON)
        if not o.cancelled
    ][:60]
    form = OnBehalfForm(request.POST or None, initial=_initial(request, town))
    form.fields["occurrence"].choices = [
        (o.key, f"{local(o.start):%d.%m.%Y %H:%M}") for o in coming
    ]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = registration_create(
                    event=event,
                    original_start=occurrence_key_parse(form.cleaned_data["occurrence"]),
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                    address=form.cleaned_data["address"],
                    channel=form.cleaned_data["channel"],
                    registered_by=request.user,
                    now=now,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, registered_message(registration))
                return redirect(reverse("help:desk", kwargs={"town": town.slug}))
        status = 400
    return render(
        request, "help/agenda_register.html", {"event": event, "form": form}, status=status
    )
