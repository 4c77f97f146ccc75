"""Factories for neighbourhood help (the isolation test builds each in another town)."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from commune.accounts.tests.factories import UserFactory
from commune.help.models import (
    Answer,
    Block,
    Caller,
    Message,
    Neighbour,
    Neighbourhood,
    Post,
    Report,
    VerificationCode,
)
from commune.tenants.scoping import current_municipality
from commune.tenants.tests.factories import square

TOWN = factory.LazyFunction(current_municipality)
SAME_TOWN = factory.SelfAttribute("..municipality")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    municipality = TOWN
    name = factory.Sequence(lambda n: f"Quartier {n}")
    area = factory.LazyFunction(lambda: square(2540000, 1151000, 1000))


class NeighbourFactory(factory.django.DjangoModelFactory):
    """A verified neighbour at the middle of the neighbourhood's square."""

    class Meta:
        model = Neighbour

    municipality = TOWN
    user = factory.SubFactory(UserFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory, municipality=SAME_TOWN)
    address = factory.Sequence(lambda n: f"Chemin des Vignes {n}")
    postcode = "1009"
    locality = "Pully"
    phone = factory.Sequence(lambda n: f"+41 21 555 {n:02d} 00")
    location = factory.LazyFunction(lambda: Point(2540500, 1151500, srid=2056))
    status = Neighbour.Status.VERIFIED


class CallerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caller

    municipality = TOWN
    name = factory.Sequence(lambda n: f"Mme Appelante {n}")
    phone = "+41 21 555 77 77"
    address = "Avenue de Lavaux 12"
    neighbourhood = factory.SubFactory(NeighbourhoodFactory, municipality=SAME_TOWN)
    location = factory.LazyFunction(lambda: Point(2540500, 1151500, srid=2056))


class PostFactory(factory.django.DjangoModelFactory):
    """An open request by a verified neighbour, seen in their neighbourhood."""

    class Meta:
        model = Post

    municipality = TOWN
    author = factory.SubFactory(NeighbourFactory, municipality=SAME_TOWN)
    neighbourhood = factory.SelfAttribute("author.neighbourhood")
    location = factory.SelfAttribute("author.location")
    category = "shopping"
    title = factory.Sequence(lambda n: f"Courses {n}")
    description = "Le pain et le lait, le mardi."


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    municipality = TOWN
    post = factory.SubFactory(PostFactory, municipality=SAME_TOWN)
    neighbour = factory.SubFactory(NeighbourFactory, municipality=SAME_TOWN)
    note = "Avec plaisir."


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    municipality = TOWN
    post = factory.SubFactory(PostFactory, municipality=SAME_TOWN)
    sender = factory.SelfAttribute("post.author")
    body = "Bonjour !"


class VerificationCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationCode

    municipality = TOWN
    neighbour = factory.SubFactory(
        NeighbourFactory, municipality=SAME_TOWN, status=Neighbour.Status.PENDING
    )
    code_hash = "md5$not-a-real-hash"
    expires_at = factory.LazyFunction(lambda: dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    municipality = TOWN
    post = factory.SubFactory(PostFactory, municipality=SAME_TOWN)
    reporter = factory.SubFactory(NeighbourFactory, municipality=SAME_TOWN)
    reason = "Demande de l'argent."


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    municipality = TOWN
    blocker = factory.SubFactory(NeighbourFactory, municipality=SAME_TOWN)
    blocked = factory.SubFactory(NeighbourFactory, municipality=SAME_TOWN)
