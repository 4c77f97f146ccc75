import factory
from django.contrib.gis.geos import MultiPolygon, Polygon

from commune.tenants.models import Department, Municipality
from commune.tenants.scoping import current_municipality


def square(x: float, y: float, size: float = 2000) -> MultiPolygon:
    ring = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
    return MultiPolygon(Polygon(ring, srid=2056), srid=2056)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Ville {n}")
    slug = factory.Sequence(lambda n: f"ville-{n}")
    ofs_number = factory.Sequence(lambda n: 9000 + n)
    canton = "VD"
    # a 10 × 10 grid of 2 km squares in Vaud, so that any number of towns stays in Switzerland
    territory = factory.Sequence(
        lambda n: square(2530000 + (n % 10) * 3000, 1145000 + (n // 10 % 10) * 3000)
    )
    languages = ["fr", "de", "it", "en"]
    contact_email = factory.LazyAttribute(lambda o: f"greffe@{o.slug}.example.ch")
    modules = ["permits", "mobility", "agenda", "portal"]


class DepartmentFactory(factory.django.DjangoModelFactory):
    """Town-owned factories take the municipality of the current scope (see scoping.scope)."""

    class Meta:
        model = Department

    municipality = factory.LazyFunction(current_municipality)
    name = factory.Sequence(lambda n: f"Service {n}")
    code = factory.Sequence(lambda n: f"service-{n}")
