from django_tasks import task

from commune.tenants import scoping
from commune.tenants.models import Municipality

from . import services
from .models import DataImport


@task()
def import_run(*, municipality_id: int, import_id: int) -> str:
    """Run a queued data import in the background (a second run of a finished import does
    nothing)."""
    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality):
        data_import = DataImport.objects.get(pk=import_id)
        return services.import_run(data_import=data_import).status
