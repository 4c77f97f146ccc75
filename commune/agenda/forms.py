"""The agenda's forms: an activity with its simple recurrence, one date's change, the
moderator's decision, and the public search. Each works without JavaScript; dates are typed
or picked (fr-CH, commune/formats)."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from commune.core.bounds import INT64_MAX, BoundedDateField, DateWindow

from . import recurrence
from .models import ACCESSIBILITY, Audience, Category, Language, PriceKind, Venue
from .services.events import EventInput
from .services.venues import VenueInput

WINDOW = DateWindow(years_before=1, years_after=3)
SEARCH_WINDOW = DateWindow(years_before=2, years_after=5)
TOWN = "town"

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
ORDINAL_CHOICES = [(1, _("1st")), (2, _("2nd")), (3, _("3rd")), (4, _("4th")), (-1, _("last"))]
KIND_CHOICES = [
    (recurrence.ONCE, _("Once")),
    (recurrence.WEEKLY, _("Every week, or every few weeks, on chosen days")),
    (recurrence.MONTHLY, _('Every month on a given weekday (e.g. "1st Tuesday")')),
    (recurrence.DATES, _("On chosen dates")),
]


class EventForm(forms.Form):
    organiser = forms.ChoiceField(label=_("Organiser"))
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    audiences = forms.MultipleChoiceField(
        label=_("For whom"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    price_kind = forms.ChoiceField(
        label=_("Price"), choices=PriceKind.choices, widget=forms.RadioSelect, initial="free"
    )
    price_amount = forms.DecimalField(
        label=_("Amount (CHF)"), required=False, min_value=0, max_value=99999, decimal_places=2
    )
    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=80, required=False)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=None)
    capacity = forms.IntegerField(
        label=_("Places per date (empty: no registration)"),
        required=False,
        min_value=1,
        max_value=10000,
    )
    date = BoundedDateField(label=_("First date"), window=WINDOW)
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=14 * 24 * 60, initial=120
    )
    kind = forms.ChoiceField(
        label=_("Recurrence"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="once"
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=8, initial=1, required=False
    )
    ordinal = forms.TypedChoiceField(
        label=_("Which one in the month"), choices=ORDINAL_CHOICES, coerce=int, required=False
    )
    month_weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=WEEKDAY_CHOICES, coerce=int, required=False
    )
    dates = forms.CharField(
        label=_("Chosen dates, one per line (e.g. 24.12.2026)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    until = BoundedDateField(label=_("Until (last date)"), window=WINDOW, required=False)
    count = forms.IntegerField(
        label=_("Or a number of times"), min_value=1, max_value=recurrence.MAX_COUNT, required=False
    )
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, municipality, organisations, town_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(o.pk), o.name) for o in organisations]
        if town_allowed:
            choices.insert(0, (TOWN, municipality.name))
        self.fields["organiser"].choices = choices
        self.fields["venue"].queryset = Venue.objects.filter(municipality=municipality)
        self.organisations = {str(o.pk): o for o in organisations}

    def _group(self, names: str) -> list:
        return [self[name] for name in names.split()]

    @property
    def about_fields(self) -> list:
        return self._group(
            "organiser title description category audiences languages price_kind price_amount "
            "neighbourhood venue capacity"
        )

    @property
    def when_fields(self) -> list:
        return self._group("date time duration_minutes")

    @property
    def repeat_fields(self) -> list:
        return self._group("kind weekdays interval ordinal month_weekday dates until count")

    def clean_dates(self) -> list[dt.date]:
        field = BoundedDateField(window=WINDOW)
        found, errors = [], []
        for line in (self.cleaned_data.get("dates") or "").split():
            try:
                found.append(field.clean(line))
            except ValidationError:
                errors.append(line)
        if errors:
            raise ValidationError(_("Not a date: %(values)s") % {"values": ", ".join(errors)})
        return found

    def organisation(self):
        """The organisation chosen (None: the town)."""
        return self.organisations.get(self.cleaned_data["organiser"])

    def spec(self) -> recurrence.Spec:
        data = self.cleaned_data
        return recurrence.Spec(
            kind=data["kind"],
            weekdays=tuple(data.get("weekdays") or ()),
            interval=data.get("interval") or 1,
            ordinal=data.get("ordinal") or 1,
            weekday=data.get("month_weekday") if data.get("month_weekday") is not None else 0,
            dates=tuple(data.get("dates") or ()),
            until=data.get("until"),
            count=data.get("count"),
        )

    def event_input(self) -> EventInput:
        data = self.cleaned_data
        return EventInput(
            title=data["title"],
            description=data["description"],
            category=data["category"],
            audiences=data["audiences"],
            languages=data["languages"],
            price_kind=data["price_kind"],
            price_amount=data.get("price_amount"),
            neighbourhood=data["neighbourhood"],
            venue=data["venue"],
            start=dt.datetime.combine(data["date"], data["time"].replace(second=0)),
            duration=dt.timedelta(minutes=data["duration_minutes"]),
            recurrence=self.spec(),
            capacity=data.get("capacity"),
        )


def initial_of(event) -> dict:
    """The form's values for an existing event (its rule shown back as the simple choices)."""
    start = recurrence.local(event.starts_at)
    initial = {
        "organiser": str(event.organisation_id) if event.organisation_id else TOWN,
        "title": event.title,
        "description": event.description,
        "category": event.category,
        "audiences": event.audiences,
        "languages": event.languages,
        "price_kind": event.price_kind,
        "price_amount": event.price_amount,
        "neighbourhood": event.neighbourhood,
        "venue": event.venue_id,
        "capacity": event.capacity,
        "date": start.date(),
        "time": start.time().replace(tzinfo=None),
        "duration_minutes": int(event.duration.total_seconds() // 60),
        "kind": recurrence.ONCE,
    }
    initial.update(recurrence.spec_initial(event.rrule, event.rdates, start=start))
    return initial


class DateChangeForm(forms.Form):
    """One date: cancel it, move it, or hold it elsewhere."""

    occurrence = forms.CharField(widget=forms.HiddenInput, max_length=13)
    cancelled = forms.BooleanField(label=_("Cancel this date"), required=False)
    new_date = BoundedDateField(label=_("New date"), window=WINDOW, required=False)
    new_time = forms.TimeField(
        label=_("New time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    venue = forms.ModelChoiceField(label=_("Other venue"), queryset=None, required=False)
    note = forms.CharField(label=_("Note for the public"), max_length=200, required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(municipality=municipality)

    def clean_occurrence(self) -> dt.datetime:
        try:
            return recurrence.occurrence_key_parse(self.cleaned_data["occurrence"])
        except ValueError as exc:
            raise ValidationError(_("Unknown date.")) from exc

    def new_start(self, original: dt.datetime) -> dt.datetime | None:
        data = self.cleaned_data
        if not data.get("new_date") and not data.get("new_time"):
            return None
        day = data.get("new_date") or original.date()
        at = data.get("new_time") or original.timetz().replace(tzinfo=None)
        return dt.datetime.combine(day, at.replace(second=0))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason sent to the organiser"), widget=forms.Textarea(attrs={"rows": 4})
    )


class SearchForm(forms.Form):
    """The public agenda's filters, read from the query string (GET)."""

    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    start = BoundedDateField(label=_("From the"), window=SEARCH_WINDOW, required=False)
    end = BoundedDateField(label=_("Until the"), window=SEARCH_WINDOW, required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All"))] + Category.choices
    )
    audience = forms.ChoiceField(
        label=_("For whom"), required=False, choices=[("", _("Any audience"))] + Audience.choices
    )
    access = forms.MultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    free = forms.BooleanField(label=_("Free only"), required=False)
    organisation = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=INT64_MAX
    )
    venue = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=INT64_MAX
    )

    def __init__(self, *args, neighbourhoods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].choices = [("", _("All"))] + [(n, n) for n in neighbourhoods]
        self.fields["access"].choices = [
            (flag, capfirst(Venue._meta.get_field(flag).verbose_name)) for flag in ACCESSIBILITY
        ]


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    address = forms.CharField(label=_("Street and number"), max_length=240)
    postcode = forms.CharField(label=_("Postcode"), max_length=8, required=False)
    locality = forms.CharField(label=_("Locality"), max_length=80, required=False)
    latitude = forms.FloatField(
        label=_("Latitude (WGS84)"), required=False, min_value=45.5, max_value=48
    )
    longitude = forms.FloatField(
        label=_("Longitude (WGS84)"), required=False, min_value=5.8, max_value=10.6
    )
    features = forms.MultipleChoiceField(
        label=_("Accessibility"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    photo = forms.FileField(label=_("Photo (PNG or JPEG)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["features"].choices = [
            (flag, capfirst(Venue._meta.get_field(flag).verbose_name)) for flag in ACCESSIBILITY
        ]

    def venue_input(self) -> VenueInput:
        data = self.cleaned_data
        return VenueInput(
            name=data["name"],
            address=data["address"],
            postcode=data["postcode"],
            locality=data["locality"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            features=frozenset(data["features"]),
        )
