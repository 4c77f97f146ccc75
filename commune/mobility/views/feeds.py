"""A town's vendor feeds, for its mobility analysts (the role that imports files): the list
with each feed's last pull, the form to add or change one, and its actions (pull now,
deactivate, delete). Another town's feed is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commune.accounts.access import staff_required
from commune.accounts.models import Role

from ..forms_feeds import FeedForm
from ..models import VendorFeed
from ..services import feeds


def _list_url(request) -> str:
    return reverse("mobility:feed-list", kwargs={"town": request.municipality.slug})


def _feed(request, feed_id: int) -> VendorFeed:
    """The town's feed; another town's id is a 404."""
    town_feeds = VendorFeed.objects.filter(municipality=request.municipality)
    return get_object_or_404(town_feeds, pk=feed_id)


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def feed_list(request):
    """The town's feeds, each with its last pull and its next one."""
    town_feeds = VendorFeed.objects.filter(municipality=request.municipality).select_related(
        "last_import"
    )
    return render(request, "mobility/feed_list.html", {"feeds": town_feeds})


def _form_page(request, form: FeedForm, feed: VendorFeed | None):
    if request.method == "POST" and form.is_valid():
        feed = form.save()
        feed.municipality = request.municipality
        feed = feeds.feed_save(
            feed=feed,
            actor=request.user,
            secret=form.cleaned_data["secret"],
            submission_key=form.cleaned_data.get("submission_key"),
        )
        messages.success(request, _("The feed “%(name)s” is saved.") % {"name": feed.name})
        return HttpResponseRedirect(_list_url(request))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "feed": feed}
    return render(request, "mobility/feed_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def feed_create(request):
    feed = VendorFeed(municipality=request.municipality)
    return _form_page(request, FeedForm(request.POST or None, instance=feed), None)


@require_http_methods(["GET", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def feed_edit(request, feed_id: int):
    feed = _feed(request, feed_id)
    return _form_page(request, FeedForm(request.POST or None, instance=feed), feed)


@require_POST
@staff_required(Role.MOBILITY_ANALYST)
def feed_pull(request, feed_id: int):
    """ "Pull now": the pull goes to the worker; pressed twice, it is one job."""
    feed = _feed(request, feed_id)
    if feeds.feed_pull_request(feed=feed):
        messages.success(request, _("The pull of “%(name)s” is on its way.") % {"name": feed.name})
    else:
        messages.info(request, _("A pull of “%(name)s” is already waiting.") % {"name": feed.name})
    return HttpResponseRedirect(_list_url(request))


@require_POST
@staff_required(Role.MOBILITY_ANALYST)
def feed_active(request, feed_id: int):
    """Deactivate a feed (its history is kept), or activate it again."""
    feed = _feed(request, feed_id)
    feeds.feed_set_active(feed=feed, actor=request.user, active=request.POST.get("active") == "1")
    return HttpResponseRedirect(_list_url(request))


@require_http_methods(["GET", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def feed_delete(request, feed_id: int):
    """Ask, then delete the feed (the imports it made stay)."""
    feed = _feed(request, feed_id)
    if request.method == "POST":
        feeds.feed_delete(feed=feed, actor=request.user)
        messages.success(request, _("The feed “%(name)s” is deleted.") % {"name": feed.name})
        return HttpResponseRedirect(_list_url(request))
    return render(request, "mobility/feed_delete.html", {"feed": feed})
