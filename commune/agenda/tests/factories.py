"""Factories for the agenda's models (the isolation test builds each in another town)."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from commune.agenda.models import ZURICH, DateChange, Event, Registration, Venue
from commune.agenda.models.registration import RegistrationCall, RegistrationLetter
from commune.tenants.scoping import current_municipality


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    municipality = factory.LazyFunction(current_municipality)
    name = factory.Sequence(lambda n: f"Salle {n}")
    address = "Avenue du Prieuré 2"
    postcode = "1009"
    locality = "Pully"
    location = factory.LazyFunction(lambda: Point(2540000, 1151000, srid=2056))
    step_free = True
    hearing_loop = True


class EventFactory(factory.django.DjangoModelFactory):
    """A published weekly activity (Wednesdays 14:00, ten times from 7 October 2026)."""

    class Meta:
        model = Event

    municipality = factory.LazyFunction(current_municipality)
    venue = factory.SubFactory(VenueFactory, municipality=factory.SelfAttribute("..municipality"))
    title = factory.Sequence(lambda n: f"Activité {n}")
    description = "Un après-midi ensemble."
    category = "meal"
    audiences = ["seniors"]
    languages = ["fr"]
    starts_at = dt.datetime(2026, 10, 7, 14, tzinfo=ZURICH)
    duration = dt.timedelta(hours=2)
    rrule = "FREQ=WEEKLY;BYDAY=WE;COUNT=10"
    status = Event.Status.PUBLISHED
    search_text = factory.LazyAttribute(lambda o: o.title.lower())


class DateChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DateChange

    municipality = factory.LazyFunction(current_municipality)
    event = factory.SubFactory(EventFactory, municipality=factory.SelfAttribute("..municipality"))
    original_start = dt.datetime(2026, 10, 14, 14, tzinfo=ZURICH)
    cancelled = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    """Someone registered by phone for the second date of the activity."""

    class Meta:
        model = Registration

    municipality = factory.LazyFunction(current_municipality)
    event = factory.SubFactory(EventFactory, municipality=factory.SelfAttribute("..municipality"))
    original_start = dt.datetime(2026, 10, 14, 14, tzinfo=ZURICH)
    name = factory.Sequence(lambda n: f"Personne {n}")
    phone = "+41215551234"
    channel = Registration.Channel.PHONE
    status = Registration.Status.CONFIRMED


class RegistrationCallFactory(factory.django.DjangoModelFactory):
    """A person to phone: their SMS about a registration made for them failed."""

    class Meta:
        model = RegistrationCall

    municipality = factory.LazyFunction(current_municipality)
    registration = factory.SubFactory(
        RegistrationFactory, municipality=factory.SelfAttribute("..municipality")
    )
    kind = RegistrationLetter.Kind.choices[0][0]
    reason = RegistrationCall.Reason.SMS_FAILED
    message = "Votre inscription est confirmée."
