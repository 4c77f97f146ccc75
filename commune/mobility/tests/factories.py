import factory
from django.contrib.gis.geos import Point

from commune.mobility.models import DataImport, Sensor
from commune.tenants.scoping import scope
from commune.tenants.tests.factories import MunicipalityFactory


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside its own town's scope."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scope(kwargs["municipality"]):
            return super()._create(model_class, *args, **kwargs)


class SensorFactory(TenantFactory):
    class Meta:
        model = Sensor

    municipality = factory.SubFactory(MunicipalityFactory)
    external_id = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Capteur {n}")
    kind = Sensor.Kind.PARKING
    capacity = 120
    position = factory.LazyFunction(lambda: Point(2540500, 1151000, srid=2056))


class DataImportFactory(TenantFactory):
    class Meta:
        model = DataImport

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = DataImport.Kind.COUNTS
    source_name = "counts.csv"
