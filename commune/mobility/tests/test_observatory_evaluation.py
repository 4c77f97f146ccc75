"""Intervention evaluations through the web form: background job, progress, report on the page
and as HTML and PDF; bad input, double submission, another town's evaluation."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from commune.accounts.models import Role
from commune.mobility.models import Evaluation
from commune.tenants.scoping import scope

from .factories import EvaluationFactory
from .test_observatory import START, member, write_data

DAYS = 112  # the injected -15 % starts on day 56 (a Monday: START is a Monday)
INTERVENTION = START + dt.timedelta(days=DAYS // 2)


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def treated_town(town_a):
    write_data(town_a, days=DAYS, effect=True)
    return town_a


def list_url(town):
    return reverse("mobility:evaluation-list", kwargs={"town": town.slug})


def detail_url(town, evaluation, name="mobility:evaluation-detail"):
    return reverse(name, kwargs={"town": town.slug, "evaluation_id": evaluation.pk})


def form(**extra):
    return {
        "title": "Rue de la Poste à sens unique",
        "treated": ["P01", "P02"],
        "control": ["P07", "P08"],
        "mode": "car",
        "intervention_date": INTERVENTION.isoformat(),
        "before_days": "49",
        "after_days": "49",
        "submission_key": str(uuid.uuid4()),
        **extra,
    }


def evaluations_of(town):
    with scope(town):
        return list(Evaluation.objects.order_by("id"))


def test_the_evaluation_runs_in_the_background_and_finds_the_injected_effect(
    analyst, treated_town, django_capture_on_commit_callbacks
):
    # when: the analyst sends the form (the job runs when the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(list_url(treated_town), form())
    # then
    [evaluation] = evaluations_of(treated_town)
    assert response.status_code == 302
    assert response["Location"] == detail_url(treated_town, evaluation)
    assert evaluation.status == Evaluation.Status.DONE, evaluation.error_message
    pooled = evaluation.result["pooled"]
    assert pooled["low_pct"] <= -15 <= pooled["high_pct"]
    assert pooled["significant"]
    assert set(evaluation.result["per_site"]) == {"P01", "P02"}
    assert evaluation.mode == "car" and evaluation.result["mode"] == "car"
    assert pooled["verdict"] == "net"
    page = analyst.get(response["Location"]).content.decode()
    # the summary names the compared sites and the town, in the town's language (French)
    summary = page.split('<p class="lead" lang="fr">')[1].split("</p>")[0]
    assert "Avenue du Prieuré (centre)" in summary and "Chemin de Rennier" in summary
    assert "(Town A)" in summary or treated_town.name in summary
    assert "All treated sites (pooled)" in page
    assert "P01" in page and "P02" in page  # per-site effects beside the pooled one
    assert 'role="img"' in page
    assert "report.pdf" in page and "report.html" in page


def test_a_placebo_evaluation_on_untreated_sites_finds_nothing_like_the_injected_effect(
    analyst, treated_town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(list_url(treated_town), form(treated=["P07"], control=["P08"]))
    [evaluation] = evaluations_of(treated_town)
    pooled = evaluation.result["pooled"]
    assert abs(pooled["effect_pct"]) < 3
    assert pooled["low_pct"] > -15


def test_the_report_downloads_as_html_and_as_a_pdf_with_a_vector_chart(
    analyst, treated_town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(list_url(treated_town), form())
    [evaluation] = evaluations_of(treated_town)
    # when
    html = analyst.get(detail_url(treated_town, evaluation, "mobility:evaluation-report-html"))
    pdf = analyst.get(detail_url(treated_town, evaluation, "mobility:evaluation-report-pdf"))
    # then
    assert html.status_code == 200
    assert html["Content-Disposition"].startswith("attachment;")
    body = html.content.decode()
    assert body.startswith("<!DOCTYPE html>") and '<html lang="en">' in body
    assert '<p class="lead" lang="fr">' in body and "<svg" in body
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"/Subtype /Image" not in pdf.content  # the chart is drawn, not pasted as a picture
    assert b"DejaVuSans" in pdf.content


def test_the_pdf_text_carries_the_summary_and_every_site(analyst, treated_town, in_town):
    from io import BytesIO

    import pypdf

    evaluation = EvaluationFactory(municipality=treated_town)
    pdf = analyst.get(detail_url(treated_town, evaluation, "mobility:evaluation-report-pdf"))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(pdf.content)).pages)
    assert "P01" in text and "−12" in text


def test_submitting_the_form_twice_creates_one_evaluation(
    analyst, treated_town, django_capture_on_commit_callbacks
):
    data = form()
    with django_capture_on_commit_callbacks(execute=True):
        first = analyst.post(list_url(treated_town), data)
        second = analyst.post(list_url(treated_town), data)
    assert len(evaluations_of(treated_town)) == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"control": ["P01", "P08"]}, "A site cannot be both treated and control: P01"),
        ({"treated": ["NOPE"]}, "Select a valid choice"),
        ({"before_days": "2"}, "greater than or equal to 7"),
        ({"intervention_date": "04.13.2026"}, "Enter a valid date"),
    ],
)
def test_bad_input_gets_a_message_and_creates_nothing(analyst, treated_town, extra, message):
    response = analyst.post(list_url(treated_town), form(**extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert evaluations_of(treated_town) == []


def test_windows_without_data_fail_the_evaluation_with_a_message(
    analyst, treated_town, django_capture_on_commit_callbacks
):
    # when: the intervention is a year after the data ends
    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(list_url(treated_town), form(intervention_date="2027-06-07"))
    # then
    [evaluation] = evaluations_of(treated_town)
    assert evaluation.status == Evaluation.Status.FAILED
    assert "no data in the windows" in evaluation.error_message
    page = analyst.get(detail_url(treated_town, evaluation)).content.decode()
    assert 'role="alert"' in page
    report = analyst.get(detail_url(treated_town, evaluation, "mobility:evaluation-report-pdf"))
    assert report.status_code == 404


def test_a_running_evaluation_shows_its_progress_and_polls(analyst, town_a, in_town):
    evaluation = EvaluationFactory(status=Evaluation.Status.RUNNING, progress=20, result={})
    page = analyst.get(detail_url(town_a, evaluation)).content.decode()
    assert '<progress id="evaluation-progress" max="100" value="20">' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript, the page refreshes
    partial = analyst.get(detail_url(town_a, evaluation), HTTP_HX_REQUEST="true")
    assert partial.content.decode().startswith('<div id="evaluation-status"')


def test_another_towns_evaluation_is_a_404(analyst, town_a, town_b):
    with scope(town_b):
        foreign = EvaluationFactory(municipality=town_b)
    for name in (
        "mobility:evaluation-detail",
        "mobility:evaluation-report-html",
        "mobility:evaluation-report-pdf",
    ):
        assert analyst.get(detail_url(town_a, foreign, name)).status_code == 404


def test_other_roles_cannot_see_evaluations(staff_client, town_a, in_town):
    evaluation = EvaluationFactory()
    client = staff_client(member(town_a, Role.PERMIT_OFFICER))
    assert client.get(detail_url(town_a, evaluation)).status_code == 403
