import datetime as dt

from django_tasks import task

from commune.core.schedule import every
from commune.tenants import scoping
from commune.tenants.models import Municipality

from . import services
from .models import DataImport


@task()
def import_run(*, municipality_id: int, import_id: int) -> str:
    """Run a queued data import in the background, in a child process with its memory capped
    (a second run of a finished import does nothing)."""
    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality):
        data_import = DataImport.objects.get(pk=import_id)
        return services.imports.import_run_isolated(data_import=data_import).status


@task()
def evaluation_run(*, municipality_id: int, evaluation_id: int) -> str:
    """Compute a queued intervention evaluation (a second run of a finished one does nothing)."""
    from .models import Evaluation
    from .services.evaluations import evaluation_run as run

    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality):
        evaluation = Evaluation.objects.get(pk=evaluation_id)
        return run(evaluation=evaluation).status


@every(dt.timedelta(minutes=15))
@task()
def readings_export_all() -> int:
    """Copy new sensor readings of every town with the observatory into its warehouse."""
    from .services.exports import readings_export

    exported = 0
    for town in Municipality.objects.filter(is_active=True):
        if town.has_module("mobility"):
            exported += readings_export(municipality=town)
    return exported


@every(dt.timedelta(hours=1))
@task()
def rollups_refresh_all() -> int:
    """Catch up on the observatory's rollups of every town (after an upgrade, a restore or a
    file written outside an import); cheap when they are fresh. Returns partitions rebuilt."""
    from .warehouse import rollups_refresh

    rebuilt = 0
    for town in Municipality.objects.filter(is_active=True):
        if town.has_module("mobility"):
            rebuilt += sum(rollups_refresh(municipality=town).values())
    return rebuilt


@every(dt.timedelta(hours=1))
@task()
def opendata_publish_all() -> int:
    """Publish the open data of every period that is due, in every town with the observatory
    (services/opendata.py); nothing to do most hours. Returns the publications made."""
    from django.utils import timezone

    from .services.opendata import opendata_publish

    made = 0
    for town in Municipality.objects.filter(is_active=True):
        if town.has_module("mobility"):
            with scoping.scope(town):
                made += len(opendata_publish(municipality=town, today=timezone.localdate()))
    return made
