"""Registration pages: a person registers for a date from the event's page; the organiser
(or the town's moderators) sees the attendee list per date (print, CSV) with each person's
channel, and registers someone "on behalf of" them (counter, phone)."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commune.core.csvsafe import neutralise

from .. import recurrence
from ..access import access_event_for_organiser, access_event_public
from ..models import Registration
from ..selectors import HORIZON
from ..services.dates import event_occurrences
from ..services.registrations import registration_create


class OnBehalfForm(forms.Form):
    occurrence = forms.ChoiceField(label=gettext_lazy("Date"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail (if any)"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[c for c in Registration.Channel.choices if c[0] != "online"],
    )


def _key(value: str):
    try:
        return recurrence.occurrence_key_parse(value)
    except ValueError:
        return None


@login_required
@require_POST
def register(request, event_id: int):
    town = request.municipality
    event = access_event_public(municipality=town, event_id=event_id)
    original = _key(request.POST.get("occurrence", ""))
    target = reverse("agenda:event", kwargs={"town": town.slug, "event_id": event.pk})
    try:
        if original is None:
            raise ValidationError(_("Unknown date."))
        registration = registration_create(
            event=event,
            original_start=original,
            name=request.user.full_name or request.user.email,
            user=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(target)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You are registered."))
    else:
        messages.success(request, _("The date is full: you are on the waitlist."))
    return redirect(f"{target}#d{original:%Y%m%dT%H%M}")


@login_required
def attendees(request, event_id: int):
    town = request.municipality
    event = access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    now = timezone.now()
    coming = [
        o
        for o in event_occurrences(event=event, after=now, before=now + HORIZON)
        if not o.cancelled
    ][:60]
    form = OnBehalfForm(request.POST or None)
    form.fields["occurrence"].choices = [
        (o.key, f"{recurrence.local(o.start):%d.%m.%Y %H:%M}") for o in coming
    ]
    if request.method == "POST" and form.is_valid():
        try:
            registration_create(
                event=event,
                original_start=_key(form.cleaned_data["occurrence"]),
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                channel=form.cleaned_data["channel"],
                registered_by=request.user,
                now=now,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Registered."))
            return redirect(request.path)
    rows = Registration.objects.filter(event=event).order_by("original_start", "created_at")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Date"), _("Name"), _("Phone"), _("E-mail"), _("Channel"), _("Status")])
        for row in rows:
            writer.writerow(
                neutralise(value)
                for value in (
                    f"{recurrence.local(row.original_start):%d.%m.%Y %H:%M}",
                    row.name,
                    row.phone,
                    row.email,
                    row.get_channel_display(),
                    row.get_status_display(),
                )
            )
        return response
    return render(request, "agenda/attendees.html", {"event": event, "rows": rows, "form": form})
