"""Conflicts in space and time, kept true on both files. A conflict is a pair: two active files
(workflow.ACTIVE) of which a work area lies within the town's conflict distance of the other's
for overlapping dates. Each side carries a `conflict` finding naming the other; whenever a fact
the pair depends on changes (dates, areas, status: submission, withdrawal, refusal, abandon,
the end of the works, an extension), the service that changed it calls `conflicts_recompute`,
which rewrites the findings of the file and of its neighbours (old and new). A pair that holds
for the first time is announced once (`ConflictNotice`): the neighbour's history says so and
its followers and the officers get an e-mail; a later recompute announces it no more."""

from __future__ import annotations

from commune.core import audit
from commune.permits import workflow
from commune.permits.models import ConflictNotice, Finding, PermitRequest
from commune.permits.models.texts import Text
from commune.permits.selectors import permit_settings_get

from .checks import nearby_areas
from .notify import notify_later


def _finding(permit: PermitRequest, other: PermitRequest, geometry) -> Finding:
    start, end = other.planned_start, other.valid_until or other.planned_end
    text = Text.of("finding.conflict", ref=other.reference, start=start, end=end)
    return Finding(
        municipality=permit.municipality,
        permit=permit,
        kind=Finding.Kind.CONFLICT,
        message_key=text.key,
        message_params=text.params,
        other_permit=other,
        geometry=geometry,
    )


def conflicting_neighbours(*, permit: PermitRequest) -> dict[int, tuple[PermitRequest, object]]:
    """The other active files in conflict with `permit` now (none when it is not active): by
    id, the file and the geometry of its first area found near by."""
    if permit.status not in workflow.ACTIVE:
        return {}
    settings = permit_settings_get(municipality=permit.municipality)
    found: dict[int, tuple[PermitRequest, object]] = {}
    for area in permit.areas.all():
        for other in nearby_areas(
            geometry=area.geometry,
            distance_m=settings.conflict_distance_m,
            start=area.starts_on,
            end=area.ends_on,
            exclude_id=permit.pk,
        ):
            found.setdefault(other.permit_id, (other.permit, other.geometry))
    return found


def conflicts_recompute(*, permit: PermitRequest) -> list[int]:
    """Rewrite the conflict findings between `permit` and every other file: the pairs that no
    longer hold (the other file closed, dates or areas moved) lose their finding on both sides,
    the pairs that hold have one on each side. Returns the ids of the files whose findings were
    touched besides `permit` (its neighbours, before and after). Call it inside the transaction
    of the change, after the change is saved."""
    permit = PermitRequest.objects.get(pk=permit.pk)
    pairs = Finding.objects.filter(kind=Finding.Kind.CONFLICT)
    before = set(pairs.filter(permit=permit).values_list("other_permit_id", flat=True))
    # the files that already named `permit` (the submission's own checks name only one side)
    told = set(pairs.filter(other_permit=permit).values_list("permit_id", flat=True))
    before |= told
    pairs.filter(permit=permit).delete()
    pairs.filter(other_permit=permit).delete()
    neighbours = conflicting_neighbours(permit=permit)
    first = permit.areas.order_by("pk").first()
    mine = first.geometry if first else None
    rows = []
    for other, geometry in neighbours.values():
        rows.append(_finding(permit, other, geometry))
        rows.append(_finding(other, permit, mine))
    Finding.objects.bulk_create(rows)
    for other, _geometry in neighbours.values():
        if other.pk not in told:
            _conflict_announce(changed=permit, other=other)
    return sorted((before | set(neighbours)) - {None})


def _conflict_announce(*, changed: PermitRequest, other: PermitRequest) -> None:
    """`changed` now conflicts with `other`, which did not move: tell the officers and, where
    it may know of `changed`, `other`'s side; the first time the pair holds only."""
    first, second = sorted((changed.pk, other.pk))
    _notice, created = ConflictNotice.objects.get_or_create(
        municipality=changed.municipality, first_id=first, second_id=second
    )
    if not created:
        return
    # the applicant's side hears of it only where it may know of the changed file (public,
    # or its own): otherwise the town's staff alone read the step and get the mail
    told = other.may_tell_of(changed)
    audit.record(
        actor=None,
        obj=other,
        action="conflict_found" if told else "conflict_found_staff",
        after={"other": changed.reference},
        comment=changed.reference,
    )
    notify_later("conflict_found", permit_id=other.pk, other_permit_id=changed.pk)
