"""Intervention evaluations in the web UI: the request form, progress while the background
job runs, the report on the page and as HTML and PDF downloads."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from commune.accounts.access import staff_required
from commune.accounts.models import Role

from .. import evaluation_texts, report, selectors, warehouse
from ..forms_observatory import EvaluationForm
from ..models import Evaluation
from ..services.evaluations import evaluation_controls_suggest, evaluation_submit

POLL_SECONDS = 2


def _evaluation(request, evaluation_id: int) -> Evaluation:
    """The town's evaluation, or 404 (another town's id included)."""
    return selectors.evaluation_get(municipality=request.municipality, evaluation_id=evaluation_id)


def _form(town, data=None) -> EvaluationForm:
    """The request form with the sites that counted (one that never counted has nothing to
    compare) and the modes they counted."""
    catalogue = warehouse.observatory_catalogue(municipality=town)
    site_modes = {site: modes for site, modes in catalogue["site_modes"].items() if modes}
    sites = [
        (r.site_id, f"{r.name} ({r.site_id})")
        for r in catalogue["sites"].itertuples()
        if r.site_id in site_modes
    ]
    return EvaluationForm(data, sites=sites, modes=catalogue["modes"], site_modes=site_modes)


SUGGESTED = 3


def _suggest(request, town, form: EvaluationForm):
    """Rank the other sites of the mode as controls; the best SUGGESTED are preselected when no
    control was chosen yet. The form is shown again, nothing is recorded."""
    wanted = form.suggestion_request()
    if wanted is None:
        return form, None
    candidates = [
        site
        for site, modes in form.site_modes.items()
        if wanted["mode"] in modes and site not in wanted["treated"]
    ]
    ranked = evaluation_controls_suggest(
        municipality=town,
        treated=wanted["treated"],
        candidates=candidates,
        intervention_date=wanted["intervention_date"],
        before_days=wanted["before_days"],
        mode=wanted["mode"],
    )
    if ranked and not request.POST.getlist("control"):
        data = request.POST.copy()
        data.setlist("control", [r["site_id"] for r in ranked[:SUGGESTED]])
        form = _form(town, data)
        form.suggestion_request()
    return form, ranked


@require_http_methods(["GET", "POST"])
@staff_required(Role.MOBILITY_ANALYST)
def evaluation_list(request):
    """The town's evaluations and the form to request a new one; its second button ranks the
    candidate control sites by how their before period moves like the treated sites'."""
    town = request.municipality
    form = _form(town, request.POST or None)
    suggestions = None
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and request.POST.get("action") == "suggest":
        form, suggestions = _suggest(request, town, form)
        status = 200 if suggestions is not None else 400
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evaluation = evaluation_submit(
            municipality=town,
            title=data["title"],
            treated=data["treated"],
            control=data["control"],
            intervention_date=data["intervention_date"],
            before_days=data["before_days"],
            after_days=data["after_days"],
            mode=data["mode"],
            requested_by=request.user,
            submission_key=data["submission_key"],
        )
        return HttpResponseRedirect(
            reverse(
                "mobility:evaluation-detail",
                kwargs={"town": town.slug, "evaluation_id": evaluation.pk},
            )
        )
    evaluations = selectors.evaluation_list(municipality=town)
    return render(
        request,
        "mobility/observatory/evaluation_list.html",
        {"form": form, "evaluations": evaluations[:50], "suggestions": suggestions},
        status=status,
    )


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def evaluation_detail(request, evaluation_id: int):
    """Progress while the job runs (htmx polling, or a refresh without JavaScript), then the
    report: pooled effect with its interval, per-site effects beside it, chart, summary."""
    evaluation = _evaluation(request, evaluation_id)
    context = {
        "evaluation": evaluation,
        "poll_seconds": POLL_SECONDS,
        "rows": report.effect_rows(evaluation),
        "chart": report.forest_svg(evaluation) if evaluation.result else None,
        "event_chart": report.event_study_svg(evaluation),
        "words": (
            evaluation_texts.evaluation_words(evaluation.result, town=request.municipality)
            if evaluation.result
            else None
        ),
    }
    template = (
        "mobility/observatory/_evaluation_status.html"
        if request.htmx
        else "mobility/observatory/evaluation_detail.html"
    )
    return render(request, template, context)


def _download(evaluation: Evaluation, body: bytes, content_type: str, ext: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = slugify(evaluation.title) or "evaluation"
    response["Content-Disposition"] = f'attachment; filename="{name}-{evaluation.pk}.{ext}"'
    return response


def _finished(request, evaluation_id: int) -> Evaluation:
    return selectors.evaluation_get_done(
        municipality=request.municipality, evaluation_id=evaluation_id
    )


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def evaluation_report_html(request, evaluation_id: int):
    """The report as a standalone HTML file."""
    evaluation = _finished(request, evaluation_id)
    body = report.report_html(evaluation, town=request.municipality).encode("utf-8")
    return _download(evaluation, body, "text/html; charset=utf-8", "html")


@require_GET
@staff_required(Role.MOBILITY_ANALYST)
def evaluation_report_pdf(request, evaluation_id: int):
    """The report as PDF (vector chart)."""
    evaluation = _finished(request, evaluation_id)
    body = report.report_pdf(evaluation, town=request.municipality)
    return _download(evaluation, body, "application/pdf", "pdf")
