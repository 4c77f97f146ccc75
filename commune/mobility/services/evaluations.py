"""Intervention evaluations requested in the web UI: record, run in the background, report."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from commune.core import audit
from commune.core.idempotency import owned_key
from commune.tenants import scoping
from commune.tenants.models import Municipality

from .. import warehouse
from ..models import Evaluation
from ..warehouse.evaluation import controls_ranked, evaluation_compute

Status = Evaluation.Status


def evaluation_submit(
    *,
    municipality: Municipality,
    title: str,
    treated: list[str],
    control: list[str],
    intervention_date: dt.date,
    before_days: int,
    after_days: int,
    requested_by,
    submission_key,
    mode: str = "",
) -> Evaluation:
    """Record an evaluation and compute it in the background. The same form sent twice (same
    submission key) gives back the first evaluation instead of a second one. The key is the
    requester's own (core.idempotency): a colleague's key never returns their evaluation."""
    key = owned_key(owner=requested_by, key=submission_key)
    mine = Evaluation.objects.filter(submission_key=key, requested_by=requested_by)
    existing = mine.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                municipality=municipality,
                title=title,
                treated=list(treated),
                control=list(control),
                intervention_date=intervention_date,
                before_days=before_days,
                after_days=after_days,
                mode=mode,
                requested_by=requested_by,
                submission_key=key,
            )
            audit.record(
                actor=requested_by,
                obj=evaluation,
                action="evaluation_queued",
                after={
                    "treated": evaluation.treated,
                    "control": evaluation.control,
                    "mode": evaluation.mode,
                },
            )
    except IntegrityError:  # the other copy of the form won the race
        return mine.get()
    transaction.on_commit(
        lambda: evaluation_job.enqueue(municipality_id=municipality.pk, evaluation_id=evaluation.pk)
    )
    return evaluation


@task()
def evaluation_job(*, municipality_id: int, evaluation_id: int) -> str:
    """The background job of evaluation_submit() (a second run of a finished one does
    nothing)."""
    municipality = Municipality.objects.get(pk=municipality_id)
    with scoping.scope(municipality):
        evaluation = Evaluation.objects.get(pk=evaluation_id)
        return evaluation_run(evaluation=evaluation).status


def _progress(evaluation: Evaluation, percent: int) -> None:
    Evaluation.objects.filter(pk=evaluation.pk).update(progress=percent)


def evaluation_run(*, evaluation: Evaluation) -> Evaluation:
    """Compute a queued evaluation (difference-in-differences via the warehouse). Data that
    cannot be used (no counts, a site without data in the windows) fails it with a message.
    Safe to call twice: only a queued evaluation runs."""
    started = Evaluation.objects.filter(pk=evaluation.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=5
    )
    evaluation.refresh_from_db()
    if not started:
        return evaluation
    try:
        _progress(evaluation, 20)
        result = evaluation_compute(
            municipality=evaluation.municipality,
            treated=evaluation.treated,
            control=evaluation.control,
            intervention=evaluation.intervention_date,
            before_days=evaluation.before_days,
            after_days=evaluation.after_days,
            mode=evaluation.mode or None,
        )
        result["site_names"] = site_names(
            municipality=evaluation.municipality,
            site_ids=list(evaluation.treated) + list(evaluation.control),
        )
    except FileNotFoundError:
        return _failed(evaluation, "evaluation.no_counts")
    except ValueError as exc:
        return _failed(evaluation, "evaluation.failed", e=str(exc))
    except Exception:
        _failed(evaluation, "evaluation.internal")
        raise
    evaluation.status = Status.DONE
    evaluation.progress = 100
    evaluation.result = result
    evaluation.finished_at = timezone.now()
    evaluation.save(update_fields=["status", "progress", "result", "finished_at", "updated_at"])
    audit.record(
        actor=evaluation.requested_by,
        obj=evaluation,
        action="evaluation_done",
        after={"effect_pct": result["pooled"]["effect_pct"]},
    )
    return evaluation


def _failed(evaluation: Evaluation, key: str, **params) -> Evaluation:
    """Failed, and why as a key and parameters (texts.py), written out for each reader."""
    evaluation.status = Status.FAILED
    evaluation.error_key, evaluation.error_params = key, params
    evaluation.finished_at = timezone.now()
    evaluation.save(
        update_fields=["status", "error_key", "error_params", "finished_at", "updated_at"]
    )
    audit.record(
        actor=evaluation.requested_by,
        obj=evaluation,
        action="evaluation_failed",
        comment=evaluation.error_message,
    )
    return evaluation


def site_names(*, municipality: Municipality, site_ids: list[str]) -> dict[str, str]:
    """The sites' names as the town declared them (the id when it did not)."""
    places = warehouse.observatory_places(municipality=municipality, site_ids=site_ids)
    return {r.site_id: str(r.name) for r in places["sites"].itertuples()}


def evaluation_controls_suggest(
    *,
    municipality: Municipality,
    treated: list[str],
    candidates: list[str],
    intervention_date: dt.date,
    before_days: int,
    mode: str,
) -> list[dict]:
    """Candidate control sites ranked by how their before window moves like the treated
    sites' (the best first), each with its name."""
    ranked = controls_ranked(
        municipality=municipality,
        treated=treated,
        candidates=candidates,
        intervention=intervention_date,
        before_days=before_days,
        mode=mode or None,
    )
    names = site_names(municipality=municipality, site_ids=[r["site_id"] for r in ranked])
    return [{**r, "name": names.get(r["site_id"], r["site_id"])} for r in ranked]
