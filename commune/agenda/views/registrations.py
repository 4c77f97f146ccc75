"""Registration pages: a person registers for a date from the event's page; the organiser
(or the town's moderators) sees the attendee list per date (print, CSV) with each person's
channel and who comes accompanied, registers someone "on behalf of" them (counter, phone) and
takes an offered place for someone who called; the town's staff print the day's letters; both
see the people no message reached, to phone, and mark each call done."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.core.csvsafe import neutralise
from commune.core.form_errors import errors_to_form

from .. import recurrence
from ..access import MODERATORS, access_event_for_organiser, access_event_public, is_moderator
from ..letters import letters_pdf
from ..models import Registration
from ..models.registration import RegistrationCall
from ..selectors import HORIZON
from ..services import calls, letters
from ..services.dates import event_occurrences
from ..services.notify import LETTER, MAIL, SMS, registration_channel
from ..services.registrations import registration_confirm, registration_create


class OnBehalfForm(forms.Form):
    occurrence = forms.ChoiceField(label=gettext_lazy("Date"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("A mobile number receives the confirmation by SMS."),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail (if any)"), required=False)
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Street and number, postcode and locality: the confirmation goes by letter when "
            "the person has neither e-mail nor mobile phone."
        ),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[c for c in Registration.Channel.choices if c[0] != "online"],
    )


def on_behalf_form(event, *, data=None, initial=None, now) -> OnBehalfForm:
    """The form to register someone on their behalf for one of the event's coming dates (the
    first 60 within the agenda's horizon, cancelled ones left out)."""
    coming = [
        o
        for o in event_occurrences(event=event, after=now, before=now + HORIZON)
        if not o.cancelled
    ][:60]
    form = OnBehalfForm(data, initial=initial)
    form.fields["occurrence"].choices = [
        (o.key, f"{recurrence.local(o.start):%d.%m.%Y %H:%M}") for o in coming
    ]
    return form


def on_behalf_saved(request, form, *, event, now) -> Registration | None:
    """The registration a valid on-behalf `form` asks for, made by the user of `request`, who
    is told where the person stands; None when the form or the service refuses it (the reasons
    on the form)."""
    if not form.is_valid():
        return None
    try:
        registration = registration_create(
            event=event,
            original_start=recurrence.occurrence_key_parse(form.cleaned_data["occurrence"]),
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
        return None
    messages.success(request, registered_message(registration))
    return registration


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
    form = on_behalf_form(event, data=request.POST or None, now=now)
    if request.method == "POST" and on_behalf_saved(request, form, event=event, now=now):
        return redirect(request.path)
    rows = Registration.objects.filter(event=event).order_by("original_start", "created_at")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Date"),
                _("Name"),
                _("Phone"),
                _("E-mail"),
                _("Channel"),
                _("Status"),
                _("Accompanied"),
            ]
        )
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
                    _("accompanied") if row.accompanied else "",
                )
            )
        return response
    return render(
        request,
        "agenda/attendees.html",
        {
            "event": event,
            "rows": rows,
            "form": form,
            "calls": calls.call_list_open(municipality=town, event=event),
        },
        status=400 if request.method == "POST" else 200,  # a refused registration
    )


def registered_message(registration: Registration) -> str:
    """What staff are told after registering someone: where the person stands, and how the
    confirmation reaches them (or that it cannot)."""
    if registration.status == Registration.Status.CONFIRMED:
        first = _("Registered.")
    else:
        first = _("The date is full: the person is on the waitlist.")
    how = {
        MAIL: _("The confirmation goes by e-mail."),
        SMS: _("The confirmation goes by SMS."),
        LETTER: _("A confirmation letter is queued for the day's post."),
        None: _("No e-mail, mobile phone or address: please tell the person yourself."),
    }[registration_channel(registration)]
    return f"{first} {how}"


@login_required
@require_POST
def confirm_offer(request, event_id: int, registration_id: int):
    """The person offered a place called: the organiser takes the place for them."""
    town = request.municipality
    event = access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    registration = get_object_or_404(Registration, event=event, pk=registration_id)
    try:
        registration_confirm(registration=registration, now=timezone.now(), user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The place is taken: %(name)s is registered.") % {"name": registration.name}
        )
    return redirect(reverse("agenda:attendees", kwargs={"town": town.slug, "event_id": event.pk}))


@staff_required(*MODERATORS)
def letter_batch(request):
    """The day's post: the letters waiting, and the batches printed (each printable again)."""
    town = request.municipality
    if request.method == "POST":
        day = timezone.localdate()
        letters.letter_batch_print(municipality=town, user=request.user, day=day)
        return redirect(
            reverse("agenda:letters-pdf", kwargs={"town": town.slug, "day": day.isoformat()})
        )
    return render(
        request,
        "agenda/letters.html",
        {
            "pending": letters.letter_list_pending(municipality=town),
            "days": letters.letter_batch_days(municipality=town),
            "today": timezone.localdate(),
            "calls": calls.call_list_open(municipality=town),
        },
    )


@staff_required(*MODERATORS)
def letter_batch_pdf(request, day: str):
    """The batch printed on `day`, as one PDF (printing it again gives the same letters)."""
    town = request.municipality
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    batch = list(letters.letter_list_batch(municipality=town, day=date))
    if not batch:
        raise Http404
    response = HttpResponse(letters_pdf(letters=batch, town=town), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lettres-{date.isoformat()}.pdf"'
    return response


@login_required
@require_POST
def call_done(request, call_id: int):
    """A member of staff phoned the person: the call leaves the lists. The town's moderators
    may clear any call of the town, an organiser those of their events (others: 404)."""
    town = request.municipality
    call = get_object_or_404(RegistrationCall, municipality=town, pk=call_id)
    event_id = call.registration.event_id
    if not is_moderator(municipality=town, user=request.user):
        access_event_for_organiser(municipality=town, user=request.user, event_id=event_id)
    calls.call_done(call=call, user=request.user, now=timezone.now())
    messages.success(request, _("The call is marked done."))
    target = request.POST.get("next", "")
    # a path on this site only (no host is allowed: the request's own is never read)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=set()):
        target = reverse("agenda:attendees", kwargs={"town": town.slug, "event_id": event_id})
    return redirect(target)
