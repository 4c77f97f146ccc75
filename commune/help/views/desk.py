"""The coordinator's desk (Role.HELP_COORDINATOR; 403 for anyone else): every post of the town
with the call-backs due today (the town's date), a request entered for someone who called,
one post followed to its end, the residents waiting for verification and their letters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commune.accounts.access import staff_required
from commune.accounts.models import Role
from commune.tenants.links import absolute_url

from .. import selectors, workflow
from ..access import access_neighbour_for_coordinator, access_post_for_coordinator
from ..forms import CLOSING, CounterForm, FollowUpForm, PhoneHelperForm, PhoneRequestForm
from ..pdf import letters_pdf
from ..services import conversation, neighbours, posts, reports
from .common import errors_to_form, url
from .neighbours import accompany_initial

coordinator_only = staff_required(Role.HELP_COORDINATOR)


@coordinator_only
def desk(request):
    town = request.municipality
    status = request.GET.get("status", "")
    if status not in workflow.TRANSITIONS_STATES:
        status = ""
    today = timezone.localdate(timezone.now())
    return render(
        request,
        "help/desk.html",
        {
            "today": today,
            "due": selectors.calls_due(municipality=town, today=today),
            "posts": selectors.post_list_for_coordinator(municipality=town, status=status),
            "status": status,
            "statuses": workflow.STATUS_LABELS,
            "reports": selectors.report_list_open(municipality=town),
        },
    )


@coordinator_only
def phone(request):
    town = request.municipality
    data = request.POST if request.method == "POST" else None
    # "Accompany me" for a caller, from an agenda event: ?event=<id>&day=<date> fills it in.
    form = PhoneRequestForm(data, initial=accompany_initial(request), municipality=town)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        caller = d["caller"]
        try:
            post = posts.post_create_for_caller(
                caller=caller,
                coordinator=request.user,
                data=form.post_input(caller.neighbourhood if caller else d["neighbourhood"]),
                key=d["key"] or request.POST.get("key", ""),
                follow_up_on=d["follow_up_on"],
                new_caller=None
                if caller
                else {
                    "name": d["name"],
                    "phone": d["phone"],
                    "address": d["address"],
                    "channel": d["channel"],
                },
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Request entered."))
            return redirect(url(request, "manage", post_id=post.pk))
    return render(request, "help/phone.html", {"form": form})


@coordinator_only
def manage(request, post_id: int):
    town = request.municipality
    post = access_post_for_coordinator(municipality=town, post_id=post_id)
    if request.method == "POST":
        _act(request, post)
        return redirect(url(request, "manage", post_id=post.pk))
    return render(
        request,
        "help/manage.html",
        {
            "post": post,
            "answers": post.answers.select_related("neighbour__user"),
            "post_messages": post.messages.select_related("sender__user"),
            "reports": post.reports.filter(handled_at=None).select_related("reporter__user"),
            "closing": [
                (t, CLOSING[t])
                for t in workflow.actions(post.status, actor=workflow.COORDINATOR)
                if t != workflow.MATCHED
            ],
            "can_match": post.status == workflow.OPEN,
            "follow_up_form": FollowUpForm(initial={"day": post.follow_up_on}),
            "helper_form": PhoneHelperForm(),
        },
    )


def _act(request, post) -> None:
    action = request.POST.get("action", "")
    role = workflow.COORDINATOR
    try:
        if action == "accept":
            chosen = get_object_or_404(post.answers, pk=request.POST.get("answer") or 0)
            posts.post_match(post=post, answer=chosen, actor_user=request.user, role=role)
            messages.success(request, _("Matched."))
        elif action == "helper":
            form = PhoneHelperForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the helper's name."))
            helper = posts.caller_create(
                municipality=post.municipality,
                coordinator=request.user,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                address="",
                neighbourhood=post.neighbourhood,
                channel="phone",
            )
            posts.post_match_by_phone(post=post, helper=helper, coordinator=request.user)
            messages.success(request, _("Matched."))
        elif action == "follow_up":
            form = FollowUpForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["day"])
            posts.post_follow_up(post=post, coordinator=request.user, day=form.cleaned_data["day"])
            messages.success(request, _("Call-back date saved."))
        elif action == "report_handled":
            chosen = get_object_or_404(post.reports, pk=request.POST.get("report") or 0)
            reports.report_handle(report=chosen, coordinator=request.user, now=timezone.now())
        elif action == "share" and post.caller_id:
            conversation.contacts_share(post=post, side=workflow.AUTHOR)
        elif action == "close":
            posts.post_close(
                post=post, target=request.POST.get("target", ""), actor_user=request.user, role=role
            )
            messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, exc.message)


@coordinator_only
def neighbours_pending(request):
    town = request.municipality
    return render(
        request,
        "help/neighbours.html",
        {
            "pending": selectors.neighbour_list_pending(municipality=town),
            "letters": neighbours.letters_to_print(municipality=town, now=timezone.now()),
            "counter_form": CounterForm(),
        },
    )


@coordinator_only
@require_POST
def counter(request, neighbour_id: int):
    town = request.municipality
    neighbour = access_neighbour_for_coordinator(municipality=town, neighbour_id=neighbour_id)
    form = CounterForm(request.POST)
    if form.is_valid():
        neighbours.neighbour_verify_at_counter(
            neighbour=neighbour,
            coordinator=request.user,
            id_checked=True,
            location=form.location(),
            now=timezone.now(),
        )
        messages.success(request, _("%(name)s is verified.") % {"name": neighbour.user.full_name})
    else:
        messages.error(request, _("Confirm that you checked an identity document."))
    return redirect(url(request, "neighbours"))


@coordinator_only
@require_POST
def letters(request):
    """A new code for every neighbour waiting for one, all in one PDF to print and post."""
    town = request.municipality
    now = timezone.now()
    batch = [
        neighbours.code_issue(neighbour=n, actor=request.user, now=now)
        for n in neighbours.letters_to_print(municipality=town, now=now)
    ]
    pdf = letters_pdf(
        letters=batch, town=town, url=absolute_url(url(request, "home"), municipality=town)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="help-letters-{now:%Y%m%d}.pdf"'
    return response
