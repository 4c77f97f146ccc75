"""The agenda on other sites: a small page of the coming dates that an association or a
school frames on its own site (the only agenda page that may be framed, by anyone), filtered
by category or organisation in its query string, plain HTML with links (no JavaScript); and
the help page that gives the snippet to paste, with a plain link as its fallback."""

from __future__ import annotations

from csp.constants import NONE
from csp.decorators import csp_replace
from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from commune.accounts.models import Organisation
from commune.tenants.links import absolute_url

from .. import selectors
from ..models import Category

DEFAULT_LIMIT = 8
MAX_LIMIT = 30


class WidgetForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All"))] + Category.choices
    )
    organisation = forms.TypedChoiceField(
        label=_("Organiser"), required=False, coerce=int, empty_value=None, choices=()
    )
    limit = forms.IntegerField(
        label=_("Number of dates"),
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        initial=DEFAULT_LIMIT,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All"))] + [
            (o.pk, o.name) for o in organisations
        ]


def _organisations(town):
    """The organisations with public events in the town (the widget's organiser choices)."""
    ids = selectors.event_list_public(municipality=town).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _form(request) -> WidgetForm:
    return WidgetForm(request.GET or None, organisations=_organisations(request.municipality))


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"], "form-action": [NONE]})
def widget(request):
    """Framed on other sites: nothing here depends on who is logged in, no form, no script;
    links open the town's pages in a new tab."""
    town = request.municipality
    form = _form(request)
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    filters = selectors.Filters(
        category=data.get("category") or "", organisation_id=data.get("organisation")
    )
    limit = data.get("limit") or DEFAULT_LIMIT
    listed = (
        selectors.occurrence_search(municipality=town, filters=filters, now=timezone.now())[:limit]
        if valid
        else []
    )
    urls: dict[int, str] = {}
    for item in listed:
        if item.event.pk not in urls:
            path = reverse("agenda:event", kwargs={"town": town.slug, "event_id": item.event.pk})
            urls[item.event.pk] = absolute_url(path, municipality=town)
    response = render(
        request,
        "agenda/widget.html",
        {
            "form": form,
            "valid": valid,
            "listed": [(item, urls[item.event.pk]) for item in listed],
            "agenda_url": absolute_url(
                reverse("agenda:list", kwargs={"town": town.slug}), municipality=town
            ),
        },
        status=200 if valid else 400,
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def embed_help(request):
    """For organisations: the snippet to paste into their site, for the chosen filters."""
    town = request.municipality
    form = _form(request)
    query = ""
    if form.is_bound and form.is_valid():
        kept = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        query = "&".join(f"{k}={v}" for k, v in kept.items())
    widget_url = absolute_url(
        reverse("agenda:widget", kwargs={"town": town.slug}), municipality=town
    )
    list_url = absolute_url(reverse("agenda:list", kwargs={"town": town.slug}), municipality=town)
    list_query = "&".join(p for p in query.split("&") if p and not p.startswith("limit="))
    return render(
        request,
        "agenda/embed.html",
        {
            "form": form,
            "widget_url": widget_url + (f"?{query}" if query else ""),
            "list_url": list_url + (f"?{list_query}" if list_query else ""),
        },
    )
