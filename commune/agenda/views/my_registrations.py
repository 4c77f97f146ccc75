"""A person's own registration, from the event's page: take the place offered to them before
its time runs out, or cancel (the place then goes to the first person waiting)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import recurrence, selectors
from ..access import access_event_public
from ..services.registrations import registration_cancel, registration_confirm


def _own(request, event_id: int, registration_id: int):
    """The event and the reader's own standing registration for one of its dates (404 for
    anyone else's)."""
    event = access_event_public(municipality=request.municipality, event_id=event_id)
    mine = selectors.registration_list_mine(event=event, user=request.user)
    return event, get_object_or_404(mine, pk=registration_id)


def _back(request, event, registration) -> str:
    path = reverse("agenda:event", kwargs={"town": request.municipality.slug, "event_id": event.pk})
    return f"{path}#d{recurrence.local(registration.original_start):%Y%m%dT%H%M}"


@login_required
@require_POST
def confirm(request, event_id: int, registration_id: int):
    event, registration = _own(request, event_id, registration_id)
    try:
        registration_confirm(registration=registration, now=timezone.now(), user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The place is yours: you are registered."))
    return redirect(_back(request, event, registration))


@login_required
@require_POST
def cancel(request, event_id: int, registration_id: int):
    event, registration = _own(request, event_id, registration_id)
    registration_cancel(registration=registration, now=timezone.now(), user=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(_back(request, event, registration))
