"""Neighbourhood help's forms: joining, the letter's code, a post (by a neighbour or, with the
caller's details, by the coordinator), an answer, a message, the counter check, the call-back
day, a helper who called. Each works without JavaScript; messages in French first."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from commune.agenda.selectors import event_list_public
from commune.core.bounds import BoundedDateField, DateWindow
from commune.tenants.models import LV95

from .models import Caller, Category, Neighbour, Neighbourhood, Post
from .services.posts import MAX_RADIUS_M, PostInput

WINDOW = DateWindow(years_before=0, years_after=1)
FOLLOW_UP_WINDOW = DateWindow(years_before=1, years_after=1)


class JoinForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=None)
    address = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.RegexField(label=_("Postcode"), regex=r"^\d{4}$", max_length=4)
    locality = forms.CharField(label=_("Locality"), max_length=80)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Seen by the town's coordinator only."),
    )
    channel = forms.ChoiceField(
        label=_("How do you want to verify your address?"),
        choices=Neighbour.Channel.choices,
        widget=forms.RadioSelect,
        initial=Neighbour.Channel.POST,
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            municipality=municipality
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code on your letter"), max_length=20, help_text=_("For example ABCD-EFGH.")
    )


class _PostFields(forms.Form):
    direction = forms.ChoiceField(
        label=_("I…"),
        choices=[("request", _("need help")), ("offer", _("offer help"))],
        widget=forms.RadioSelect,
        initial="request",
    )
    category = forms.ChoiceField(label=_("What"), choices=Category.choices)
    title = forms.CharField(label=_("In a few words"), max_length=120)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Never write your address or phone number here."),
    )
    availability = forms.CharField(
        label=_("When"),
        required=False,
        max_length=200,
        help_text=_('For example "Tuesday mornings".'),
    )
    date_from = BoundedDateField(label=_("From"), required=False, window=WINDOW)
    date_to = BoundedDateField(label=_("Until"), required=False, window=WINDOW)
    radius_m = forms.IntegerField(
        label=_("Radius in metres (empty: my neighbourhood)"),
        required=False,
        min_value=100,
        max_value=MAX_RADIUS_M,
    )
    event = forms.ModelChoiceField(
        label=_("Activity of the agenda (to be accompanied)"),
        required=False,
        queryset=None,
    )
    occurrence_day = BoundedDateField(
        label=_("Date of the activity"), required=False, window=WINDOW
    )
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = event_list_public(municipality=municipality).filter(
            status="published"
        )
        self.fields["key"].initial = uuid.uuid4()

    def post_input(self, neighbourhood: Neighbourhood) -> PostInput:
        data = self.cleaned_data
        return PostInput(
            direction=data["direction"],
            category=data["category"],
            title=data["title"],
            neighbourhood=neighbourhood,
            description=data["description"],
            availability=data["availability"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            radius_m=data["radius_m"],
            event=data["event"],
            occurrence_day=data["occurrence_day"],
        )


class PostForm(_PostFields):
    rules = forms.BooleanField(
        label=_("I have read the rules of neighbourhood help and follow them."), required=True
    )

    def __init__(self, *args, rules_needed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not rules_needed:
            del self.fields["rules"]


class PhoneRequestForm(_PostFields):
    """What the coordinator types while someone is on the phone: the person, then the post."""

    caller = forms.ModelChoiceField(label=_("Person already known"), required=False, queryset=None)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=None, required=False)
    channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=Caller.Channel.choices, initial="phone"
    )
    follow_up_on = BoundedDateField(
        label=_("Call back on"), required=False, window=FOLLOW_UP_WINDOW
    )

    field_order = ["caller", "name", "phone", "address", "neighbourhood", "channel"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, municipality=municipality, **kwargs)
        self.fields["caller"].queryset = Caller.objects.filter(municipality=municipality)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            municipality=municipality
        )

    def clean(self):
        data = super().clean()
        if not data.get("caller") and not data.get("name"):
            self.add_error("name", _("Give the person's name, or choose a person already known."))
        if not data.get("caller") and not data.get("neighbourhood"):
            self.add_error("neighbourhood", _("Choose the person's neighbourhood."))
        return data


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("A word for them (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CounterForm(forms.Form):
    id_checked = forms.BooleanField(
        label=_("I checked an identity document showing this address."), required=True
    )
    east = forms.FloatField(
        label=_("E coordinate (LV95, optional)"),
        required=False,
        min_value=2_480_000,
        max_value=2_840_000,
    )
    north = forms.FloatField(
        label=_("N coordinate (LV95, optional)"),
        required=False,
        min_value=1_070_000,
        max_value=1_300_000,
    )

    def location(self) -> Point | None:
        east, north = self.cleaned_data.get("east"), self.cleaned_data.get("north")
        return Point(east, north, srid=LV95) if east and north else None


class FollowUpForm(forms.Form):
    day = BoundedDateField(label=_("Call back on"), required=False, window=FOLLOW_UP_WINDOW)


class PhoneHelperForm(forms.Form):
    name = forms.CharField(label=_("Name of the helper who called"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


CLOSING = {
    "open": _("Open again (the match fell through)"),
    "done": _("Done"),
    "no_one_found": _("No one found"),
    "cancelled": _("Cancel"),
}
POST_STATUS = Post.Status
