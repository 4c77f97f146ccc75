"""The neighbours' side: joining with one's address, entering the letter's code, the posts in
reach and one's own, posting, answering, accepting an answer, messages and sharing contacts.
A post out of reach, or any post for an unverified resident, is a 404. "Accompany me": the link
under each date of an agenda event (`accompany_link`, registered with the agenda) opens the
form filled in; the author registers for the date from the post if they had not."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.agenda.recurrence import local
from commune.tenants.models import Module

from .. import selectors, workflow
from ..access import access_post_for_neighbour, is_coordinator
from ..forms import AnswerForm, CodeForm, JoinForm, MessageForm, PostForm, ReportForm
from ..services import conversation, neighbours, posts, reports
from .common import errors_to_form, url


def home(request):
    town = request.municipality
    neighbour = selectors.neighbour_of(municipality=town, user=request.user)
    context = {"neighbour": neighbour, "code_form": CodeForm()}
    if neighbour is not None and neighbour.is_verified:
        context["nearby"] = selectors.post_list_nearby(municipality=town, neighbour=neighbour)
        context["mine"] = selectors.post_list_mine(municipality=town, neighbour=neighbour)
    return render(request, "help/home.html", context)


@login_required
def join(request):
    town = request.municipality
    neighbour = selectors.neighbour_of(municipality=town, user=request.user)
    if neighbour is not None and neighbour.is_verified:
        return redirect(url(request, "home"))
    initial = None
    if neighbour is not None:
        initial = {
            "neighbourhood": neighbour.neighbourhood_id,
            "address": neighbour.address,
            "postcode": neighbour.postcode,
            "locality": neighbour.locality,
            "phone": neighbour.phone,
            "channel": neighbour.channel,
        }
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, initial=initial, municipality=town)
    if request.method == "POST" and form.is_valid():
        neighbours.neighbour_apply(municipality=town, user=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you. The town will verify your address."))
        return redirect(url(request, "home"))
    return render(request, "help/join.html", {"form": form})


@login_required
@require_POST
def verify(request):
    town = request.municipality
    neighbour = selectors.neighbour_of(municipality=town, user=request.user)
    if neighbour is None:
        raise Http404
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            neighbours.code_enter(
                neighbour=neighbour, typed=form.cleaned_data["code"], now=timezone.now()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Your address is verified. Welcome!"))
            return redirect(url(request, "home"))
    return render(
        request, "help/home.html", {"neighbour": neighbour, "code_form": form}, status=400
    )


def _verified(request):
    neighbour = selectors.neighbour_of(municipality=request.municipality, user=request.user)
    if neighbour is None or not neighbour.is_verified:
        raise Http404
    return neighbour


def accompany_link(request, event, occurrence) -> dict | None:
    """Under each date of an agenda event, for a verified neighbour of the town: "Ask for a
    companion", which opens the request form filled in for that date; for the coordinator,
    the phone desk's form, filled in the same way, for someone who called."""
    town = request.municipality
    if Module.HELP not in town.enabled_modules() or not request.user.is_authenticated:
        return None
    day = local(occurrence.start).date()
    query = f"?event={event.pk}&day={day.isoformat()}"
    if is_coordinator(municipality=town, user=request.user):
        return {
            "url": reverse("help:phone", kwargs={"town": town.slug}) + query,
            "label": _("Enter a companion request for a caller (%(day)s)")
            % {"day": f"{day:%d.%m.%Y}"},
        }
    neighbour = selectors.neighbour_of(municipality=town, user=request.user)
    if neighbour is None or not neighbour.is_verified:
        return None
    return {
        "url": reverse("help:new", kwargs={"town": town.slug}) + query,
        "label": _("Ask for a companion for %(day)s") % {"day": f"{day:%d.%m.%Y}"},
    }


def accompany_initial(request) -> dict | None:
    """ "Accompany me" from an agenda event: ?event=<id>&day=<YYYY-MM-DD> fills the form in."""
    event_id, day = request.GET.get("event", ""), request.GET.get("day", "")
    if not event_id.isdigit():
        return None
    initial = {"category": "accompany", "event": event_id, "direction": "request"}
    try:
        initial["occurrence_day"] = dt.date.fromisoformat(day)
    except ValueError:
        pass
    return initial


@login_required
def new(request):
    town = request.municipality
    neighbour = _verified(request)
    data = request.POST if request.method == "POST" else None
    form = PostForm(
        data,
        initial=accompany_initial(request),
        municipality=town,
        rules_needed=neighbour.rules_accepted_at is None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = posts.post_create(
                neighbour=neighbour,
                data=form.post_input(neighbour.neighbourhood),
                key=form.cleaned_data["key"] or request.POST.get("key", ""),
                now=timezone.now(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Posted. Your neighbours can now see it."))
            return redirect(url(request, "post", post_id=post.pk))
    return render(request, "help/new.html", {"form": form, "neighbour": neighbour})


@login_required
def post_detail(request, post_id: int):
    town = request.municipality
    reader = access_post_for_neighbour(municipality=town, user=request.user, post_id=post_id)
    post, me = reader.post, reader.neighbour
    side = conversation.side_of(post, me)
    other = other_caller = None
    if side and post.contacts_shared:
        other = post.partner if side == workflow.AUTHOR else post.author
        # a caller's phone, given with their consent by the coordinator (never the address)
        other_caller = post.caller if side == workflow.PARTNER else None
    return render(
        request,
        "help/post.html",
        {
            "post": post,
            "side": side,
            "answered": post.answers.filter(neighbour=me).exists(),
            "answers": post.answers.select_related("neighbour__user").exclude(
                neighbour__in=selectors.blocked_ids(me)
            )
            if side == workflow.AUTHOR
            else [],
            "can_answer": side is None and post.status in workflow.ANSWERABLE,
            "talk": side is not None and post.status in workflow.CONVERSATION,
            "i_share": side
            and (post.author_shares if side == workflow.AUTHOR else post.partner_shares),
            "other": other,
            "other_caller": other_caller,
            "post_messages": post.messages.select_related("sender__user") if side else [],
            "actions": workflow.actions(post.status, actor=side) if side else [],
            "answer_form": AnswerForm(),
            "report_form": ReportForm(),
            "reported": post.reports.filter(reporter=me).exists(),
            "message_form": MessageForm(),
            **_accompany_context(post, side),
        },
    )


def _accompany_context(post, side) -> dict:
    """For the author of an "Accompany me" request: their registration for the date, or the
    offer to register when the activity takes registrations."""
    if side != workflow.AUTHOR or not posts.is_accompany_request(post):
        return {}
    registration = posts.accompany_registration(post)
    return {
        "accompany_registration": registration,
        "accompany_can_register": registration is None and post.event.capacity is not None,
    }


@login_required
@require_POST
def accompany_register(request, post_id: int):
    reader, side = _party_or_author(request, post_id)
    try:
        registration = posts.accompany_register(
            post=reader.post, neighbour=reader.neighbour, now=timezone.now()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == "confirmed":
            messages.success(request, _("You are registered for the activity."))
        else:
            messages.success(request, _("The date is full: you are on the waitlist."))
    return redirect(url(request, "post", post_id=post_id))


def _party_or_author(request, post_id: int):
    reader = access_post_for_neighbour(
        municipality=request.municipality, user=request.user, post_id=post_id
    )
    side = conversation.side_of(reader.post, reader.neighbour)
    if side != workflow.AUTHOR:
        raise Http404
    return reader, side


@login_required
@require_POST
def answer(request, post_id: int):
    town = request.municipality
    reader = access_post_for_neighbour(municipality=town, user=request.user, post_id=post_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            posts.answer_create(
                post=reader.post, neighbour=reader.neighbour, note=form.cleaned_data["note"]
            )
        except (ValidationError, workflow.TransitionNotAllowed) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you! The person has been told."))
    return redirect(url(request, "post", post_id=post_id))


@login_required
@require_POST
def accept(request, post_id: int):
    town = request.municipality
    reader = access_post_for_neighbour(municipality=town, user=request.user, post_id=post_id)
    if conversation.side_of(reader.post, reader.neighbour) != workflow.AUTHOR:
        raise Http404
    chosen = get_object_or_404(reader.post.answers, pk=request.POST.get("answer") or 0)
    try:
        posts.post_match(
            post=reader.post, answer=chosen, actor_user=request.user, role=workflow.AUTHOR
        )
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Matched. You can now write to each other."))
    return redirect(url(request, "post", post_id=post_id))


@login_required
@require_POST
def message(request, post_id: int):
    town = request.municipality
    reader = access_post_for_neighbour(municipality=town, user=request.user, post_id=post_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            conversation.message_send(
                post=reader.post, sender=reader.neighbour, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Write a message."))
    return redirect(url(request, "post", post_id=post_id))


def _party(request, post_id: int):
    """The post as its reader sees it, and the reader's side of the match: one of the two
    people matched, or a 404 for anyone else."""
    reader = access_post_for_neighbour(
        municipality=request.municipality, user=request.user, post_id=post_id
    )
    side = conversation.side_of(reader.post, reader.neighbour)
    if side is None:
        raise Http404
    return reader, side


@login_required
@require_POST
def share(request, post_id: int):
    reader, side = _party(request, post_id)
    try:
        conversation.contacts_share(post=reader.post, side=side)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(url(request, "post", post_id=post_id))


@login_required
@require_POST
def close(request, post_id: int):
    reader, side = _party(request, post_id)
    try:
        posts.post_close(
            post=reader.post,
            target=request.POST.get("target", ""),
            actor_user=request.user,
            role=side,
        )
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    return redirect(url(request, "post", post_id=post_id))


@login_required
@require_POST
def report(request, post_id: int):
    town = request.municipality
    reader = access_post_for_neighbour(municipality=town, user=request.user, post_id=post_id)
    if reader.post.author_id == reader.neighbour.pk:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        reports.post_report(
            post=reader.post, neighbour=reader.neighbour, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Thank you. The town's coordinator will look at it."))
    else:
        messages.error(request, _("Say in a few words what is wrong."))
    return redirect(url(request, "post", post_id=post_id))


@login_required
@require_POST
def block(request, post_id: int):
    """Block the post's author, or (for its author) the neighbour of one of its answers."""
    town = request.municipality
    reader = access_post_for_neighbour(municipality=town, user=request.user, post_id=post_id)
    post, me = reader.post, reader.neighbour
    if post.author_id == me.pk:
        other = get_object_or_404(post.answers, pk=request.POST.get("answer") or 0).neighbour
    elif post.author_id is not None:
        other = post.author
    else:
        raise Http404
    reports.neighbour_block(blocker=me, blocked=other)
    messages.success(request, _("Blocked: you will not see each other's posts any more."))
    return redirect(url(request, "home"))
