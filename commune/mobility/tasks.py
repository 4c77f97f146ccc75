"""The observatory's periodic jobs; each calls a service for every town with the module. The jobs
a service enqueues are declared beside it (services/imports.py, services/evaluations.py)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from commune.core.schedule import at_start, every
from commune.tenants import scoping
from commune.tenants.models import Municipality

from .services.exports import readings_export
from .services.feeds import feeds_pull_due
from .services.opendata import opendata_publish
from .services.recovery import imports_recover
from .services.uploads import uploads_clean
from .warehouse import rollups_refresh


@every(dt.timedelta(minutes=15))
@task()
def readings_export_all() -> int:
    """Copy new sensor readings of every town with the observatory into its warehouse."""
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
    made = 0
    for town in Municipality.objects.filter(is_active=True):
        if town.has_module("mobility"):
            with scoping.scope(town):
                made += len(opendata_publish(municipality=town, today=timezone.localdate()))
    return made


@every(dt.timedelta(minutes=5))
@task()
def imports_recover_all() -> int:
    """Fail the imports of every town left running by a process that died (a heartbeat older
    than five minutes), their warehouse put back as before them (services/recovery.py)."""
    return len(imports_recover(now=timezone.now()))


@at_start
def imports_recover_at_start() -> int:
    """At worker start: the imports whose process on this host is gone, at once."""
    return len(imports_recover(now=timezone.now()))


@every(dt.timedelta(hours=1))
@task()
def uploads_clean_all() -> int:
    """Remove the data files sent to the import page and left alone (services/uploads.py)."""
    return uploads_clean(now=timezone.now())


@every(dt.timedelta(minutes=10))
@task()
def feeds_pull_all() -> int:
    """Pull the vendor feeds that are due in every town with the observatory
    (services/feeds.py); returns how many were pulled."""
    pulled = 0
    for town in Municipality.objects.filter(is_active=True):
        if town.has_module("mobility"):
            with scoping.scope(town):
                pulled += len(feeds_pull_due(municipality=town, now=timezone.now()))
    return pulled
