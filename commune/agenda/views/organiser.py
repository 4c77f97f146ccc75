"""The organisers' side: my activities, a new one, editing a draft, submitting it, changing
one date of a published one, cancelling it. An organisation's member sees its events only;
the town's own events are its moderators'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.core.form_errors import errors_to_form

from .. import selectors, workflow
from ..access import access_event_for_organiser, is_moderator
from ..forms import DateChangeForm, EventForm, initial_of
from ..services import dates, events
from ..services.dates import event_occurrences


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"agenda:{name}", kwargs={"town": request.municipality.slug, **kwargs})


def _form(request, *, data=None, initial=None) -> EventForm:
    town = request.municipality
    return EventForm(
        data,
        initial=initial,
        municipality=town,
        organisations=list(selectors.organisations_of(user=request.user)),
        town_allowed=is_moderator(municipality=town, user=request.user),
    )


@login_required
def event_mine(request):
    town = request.municipality
    moderator = is_moderator(municipality=town, user=request.user)
    mine = selectors.event_list_for_organiser(
        municipality=town, user=request.user, town_events=moderator
    ).order_by("-updated_at")
    return render(request, "agenda/mine.html", {"events": mine, "workflow": workflow})


@login_required
def event_new(request):
    form = _form(request, data=request.POST if request.method == "POST" else None)
    if not form.fields["organiser"].choices:
        return render(request, "agenda/no_organisation.html", status=403)
    if request.method == "POST" and form.is_valid():
        try:
            event = events.event_create(
                municipality=request.municipality,
                user=request.user,
                organisation=form.organisation(),
                data=form.event_input(),
                key=form.cleaned_data["key"] or request.POST.get("key", ""),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Draft saved. Check it, then submit it."))
            return redirect(_url(request, "edit", event_id=event.pk))
    return render(request, "agenda/form.html", {"form": form, "event": None})


@login_required
def event_edit(request, event_id: int):
    town = request.municipality
    event = access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    form = None
    if event.status in workflow.EDITABLE:
        form = _form(
            request,
            data=request.POST if request.method == "POST" else None,
            initial=initial_of(event),
        )
        if request.method == "POST" and form.is_valid():
            try:
                events.event_update(event=event, user=request.user, data=form.event_input())
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(_url(request, "edit", event_id=event.pk))
    now = timezone.now()
    occurrences = event_occurrences(event=event, after=now, before=now + selectors.HORIZON)
    return render(
        request,
        "agenda/edit.html",
        {
            "event": event,
            "form": form,
            "occurrences": occurrences[:60],
            "date_form": DateChangeForm(municipality=town),
            "venues": selectors.venue_list(municipality=town),
            "can_submit": workflow.allowed(event.status, "submitted", actor=workflow.ORGANISER),
            "can_cancel": workflow.allowed(event.status, "cancelled", actor=workflow.ORGANISER),
            "changes_dates": event.status == "published",
        },
    )


@login_required
@require_POST
def event_submit(request, event_id: int):
    town = request.municipality
    event = access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    try:
        event = events.event_submit(event=event, user=request.user, now=timezone.now())
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        if event.status == "published":
            messages.success(request, _("Published: your organisation is trusted by the town."))
        else:
            messages.success(request, _("Submitted: a moderator will read it soon."))
    return redirect(_url(request, "edit", event_id=event.pk))


@login_required
@require_POST
def event_cancel(request, event_id: int):
    town = request.municipality
    event = access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    try:
        events.event_cancel(
            event=event, user=request.user, actor_kind=workflow.ORGANISER, now=timezone.now()
        )
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The activity is cancelled; the agenda says so."))
    return redirect(_url(request, "edit", event_id=event.pk))


@login_required
@require_POST
def event_date(request, event_id: int):
    """Cancel, move or relocate one date of a published event (or undo its change)."""
    town = request.municipality
    event = access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    if event.status != "published":
        raise Http404
    form = DateChangeForm(request.POST, municipality=town)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_url(request, "edit", event_id=event.pk))
    original = form.cleaned_data["occurrence"]
    try:
        dates.event_date_change(
            event=event,
            user=request.user,
            original_start=original,
            cancelled=form.cleaned_data["cancelled"],
            starts_at=form.new_start(original),
            venue=form.cleaned_data["venue"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The date is changed."))
    return redirect(_url(request, "edit", event_id=event.pk))
