"""The moderators' queue: publish a submitted event, or send it back with a reason (mailed
to its organisation); trust an organisation so that its events are published at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.accounts.models import Organisation

from .. import selectors, workflow
from ..access import MODERATORS, access_event_for_moderation
from ..forms import RejectForm
from ..models import TrustedOrganisation
from ..services import events


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"agenda:{name}", kwargs={"town": request.municipality.slug, **kwargs})


@staff_required(*MODERATORS)
def queue(request):
    town = request.municipality
    trusted = set(
        TrustedOrganisation.objects.filter(municipality=town).values_list(
            "organisation_id", flat=True
        )
    )
    return render(
        request,
        "agenda/queue.html",
        {"events": selectors.event_list_to_moderate(municipality=town), "trusted": trusted},
    )


@staff_required(*MODERATORS)
def moderate(request, event_id: int):
    town = request.municipality
    event = access_event_for_moderation(municipality=town, user=request.user, event_id=event_id)
    form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                events.event_publish(event=event, moderator=request.user, now=timezone.now())
                messages.success(request, _("Published."))
                return redirect(_url(request, "queue"))
            if action == "reject" and form.is_valid():
                events.event_reject(
                    event=event,
                    moderator=request.user,
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
                messages.success(request, _("Sent back to the organiser with your reason."))
                return redirect(_url(request, "queue"))
            if action == "cancel":
                events.event_cancel(
                    event=event,
                    user=request.user,
                    actor_kind=workflow.MODERATOR,
                    now=timezone.now(),
                )
                messages.success(request, _("The activity is cancelled; the agenda says so."))
                return redirect(_url(request, "queue"))
        except workflow.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("reason", message)
    return render(
        request,
        "agenda/moderate.html",
        {
            "event": event,
            "form": form,
            "can_publish": workflow.allowed(event.status, "published", actor=workflow.MODERATOR),
            "can_reject": workflow.allowed(event.status, "rejected", actor=workflow.MODERATOR),
            "can_cancel": workflow.allowed(event.status, "cancelled", actor=workflow.MODERATOR),
            "trusted": event.organisation_id
            and TrustedOrganisation.objects.filter(
                municipality=town, organisation_id=event.organisation_id
            ).exists(),
        },
    )


@staff_required(*MODERATORS)
@require_POST
def trust(request, event_id: int):
    """Trust (or stop trusting) the organisation of an event the moderator is reading."""
    town = request.municipality
    event = access_event_for_moderation(municipality=town, user=request.user, event_id=event_id)
    organisation = get_object_or_404(Organisation, pk=event.organisation_id)
    trusted = request.POST.get("trusted") == "1"
    events.organisation_trust(
        municipality=town, organisation=organisation, moderator=request.user, trusted=trusted
    )
    if trusted:
        messages.success(
            request,
            _("%(name)s is trusted: its activities are published at once.")
            % {"name": organisation.name},
        )
    else:
        messages.success(request, _("%(name)s is no longer trusted.") % {"name": organisation.name})
    return redirect(_url(request, "moderate", event_id=event.pk))
