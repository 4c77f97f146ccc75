import datetime

import factory
from django.contrib.gis.geos import Point

from commune.mobility.models import DataImport, Evaluation, PendingUpload, Sensor, VendorFeed
from commune.tenants.scoping import current_municipality, scope
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


class EvaluationFactory(TenantFactory):
    class Meta:
        model = Evaluation

    municipality = factory.LazyFunction(current_municipality)
    title = factory.Sequence(lambda n: f"Évaluation {n}")
    treated = factory.LazyFunction(lambda: ["P01"])
    control = factory.LazyFunction(lambda: ["P07"])
    intervention_date = factory.LazyFunction(lambda: datetime.date(2026, 5, 4))
    status = Evaluation.Status.DONE
    result = factory.LazyFunction(
        lambda: {
            "method": "difference-in-differences",
            "intervention": "2026-05-04",
            "before": ["2026-03-09", "2026-05-03"],
            "after": ["2026-05-04", "2026-06-28"],
            "treated": ["P01"],
            "control": ["P07"],
            "holidays_excluded": [],
            "pooled": _effect(-12.0),
            "per_site": {"P01": _effect(-12.0)},
            "summary_fr": "Les passages aux sites concernés ont changé de −12 %.",
        }
    )


def _effect(pct: float) -> dict:
    return {
        "effect_pct": pct,
        "low_pct": pct - 4,
        "high_pct": pct + 4,
        "p_value": 0.001,
        "significant": True,
        "days_before": 50,
        "days_after": 50,
        "summary_fr": f"Changement de {pct:+.0f} %.",
    }


class PendingUploadFactory(TenantFactory):
    class Meta:
        model = PendingUpload

    municipality = factory.SubFactory(MunicipalityFactory)
    uploaded_by = factory.SubFactory("commune.accounts.tests.factories.UserFactory")
    name = "comptages.csv"
    kind = DataImport.Kind.COUNTS
    size = 10


class VendorFeedFactory(TenantFactory):
    class Meta:
        model = VendorFeed

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Flux {n}")
    url = "https://export.example.ch/counts.csv"
