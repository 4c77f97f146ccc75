"""What an analyst reads of an evaluation: the summary in the town's language naming the sites,
the effect per day beside the per cent, p-values as "< 0,001", the week-by-week chart with its
table, warnings in plain words, and control sites suggested on the form (issue 9)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from commune.accounts.models import Role
from commune.mobility import charts, evaluation_texts
from commune.mobility.models import Evaluation
from commune.tenants.scoping import scope

from .test_observatory import START, member, write_data

DAYS = 112
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


def form(**extra):
    return {
        "title": "Centre à 30 km/h",
        "treated": ["P01", "P02"],
        "control": ["P07", "P08"],
        "mode": "car",
        "intervention_date": INTERVENTION.isoformat(),
        "before_days": "49",
        "after_days": "49",
        "submission_key": str(uuid.uuid4()),
        **extra,
    }


@pytest.mark.parametrize(
    ("language", "small", "plain"),
    [
        ("fr", "<\u00a00,001", "0,012"),
        ("de", "<\u00a00,001", "0,012"),
        ("en", "<\u00a00.001", "0.012"),
    ],
)
def test_p_values_are_written_in_the_locale_and_never_as_zero(language, small, plain):
    with translation.override(language):
        assert evaluation_texts.p_value(0.0) == small
        assert evaluation_texts.p_value(0.0009) == small
        assert evaluation_texts.p_value(0.0123) == plain
        assert (
            evaluation_texts.pct(-15.04)
            == "\u221215" + ("." if language == "en" else ",") + "0\u00a0%"
        )
        # grouped as the town's tables and charts group: never 1.234 (one point two three in
        # Switzerland)
        assert evaluation_texts.per_day(-1234.4) == (
            "\u22121,234" if language == "en" else "\u22121\u202f234"
        )


RESULT = {
    "inference": {"kind": "sites", "df": 2, "block_days": None, "draws": None},
    "mode": "bicycle",
    "treated": ["P03"],
    "control": ["P07", "P08"],
    "site_names": {
        "P03": "Quai Milliquet",
        "P07": "Chemin de Rennier",
        "P08": "Avenue des Désertes",
    },
    "pooled": {
        "effect_pct": 12.4,
        "low_pct": 5.2,
        "high_pct": 20.1,
        "per_day": 85.6,
        "per_day_low": 38.0,
        "per_day_high": 128.9,
        "verdict": "net",
    },
}


def test_the_summary_names_sites_town_and_per_day_change_in_the_towns_language():
    # when written in German, then in French
    with translation.override("de"):
        german = evaluation_texts.summary(RESULT, town_name="Pully")
    with translation.override("fr"):
        french = evaluation_texts.summary(RESULT, town_name="Pully")
    # then each names the sites, the town, the per cent and the bicycles a day, in its language
    assert german.startswith("An den Standorten Quai Milliquet (Pully)")
    assert "Chemin de Rennier und Avenue des Désertes" in german
    assert "+12\u00a0%" in german and "+86 Velos pro Tag" in german
    assert french.startswith(
        "Aux sites Quai Milliquet (Pully), le trafic cycliste a changé de +12\u00a0%"
    )
    assert "Chemin de Rennier et Avenue des Désertes" in french
    assert "soit +86 vélos par jour (+38 à +129)" in french
    assert french.endswith("changement net, au-delà des variations habituelles.")
    # and the method line is in the language too (it was always English)
    with translation.override("fr"):
        assert evaluation_texts.method(RESULT).startswith("Différence de différences")


def test_the_event_study_chart_has_its_axes_legend_and_a_shape_per_period():
    weeks = [
        {"week": -2, "effect_pct": 0.5, "low_pct": -2.0, "high_pct": 3.0},
        {"week": -1, "effect_pct": -0.4, "low_pct": -2.5, "high_pct": 1.7},
        {"week": 0, "effect_pct": -15.0, "low_pct": -18.0, "high_pct": -12.0},
        {"week": 1, "effect_pct": -14.0, "low_pct": None, "high_pct": None},
    ]
    svg = str(
        charts.event_study(
            "Semaine <par> semaine",
            weeks,
            x_title="Semaines depuis l'intervention",
            y_title="Traités moins témoins (%)",
            before="Avant",
            after="Après",
            interval="Intervalle à 95 %",
            intervention="Intervention",
            week_label="Semaine %(week)s",
            zero="0 : pas d'écart",
        )
    )
    assert 'role="img"' in svg and 'aria-label="Semaine &lt;par&gt; semaine"' in svg
    assert "Semaines depuis l&#x27;intervention" in svg and "Traités moins témoins (%)" in svg
    assert svg.count("<circle") == 2 + 1  # two weeks before, and the legend's
    assert svg.count("<rect") == 2 + 1  # two weeks after, and the legend's
    assert "<title>Semaine 0: \u221215 % (\u221218 … \u221212 %)</title>" in svg
    assert "<title>Semaine 1: \u221214 %</title>" in svg  # no interval: no bar, no fake one
    assert svg.count('stroke-width="1.5"') == 3 + 1  # three interval bars and the legend's
    # the legend explains the zero line and the intervention's line too
    assert "0 : pas d&#x27;écart" in svg and svg.count('stroke-dasharray="4 3"') == 1 + 1
    assert svg.count('stroke-width="3"') == 1 + 1


def test_the_result_page_shows_the_diagnostics(
    analyst, treated_town, django_capture_on_commit_callbacks
):
    # given an evaluation of the demo's -15 % (two car sites against two)
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(list_url(treated_town), form())
    with scope(treated_town):
        evaluation = Evaluation.objects.get()
    result = evaluation.result
    assert evaluation.status == Evaluation.Status.DONE
    # then the result carries the diagnostics, and the page shows them
    assert result["verdict"] == "net" and result["mode"] == "car"
    assert result["pooled"]["per_day"] < 0
    assert [p["weeks_before"] for p in result["placebos"]] == [2, 4, 5]
    assert len(result["event_study"]) == 14
    page = analyst.get(response["Location"]).content.decode()
    assert "Week by week: treated minus control sites" in page
    assert "Weeks from the intervention (week 0 starts on its day)" in page
    assert "The chart's figures" in page
    assert "Fake intervention dates" in page
    assert "Were the sites already drifting apart before?" in page
    assert "Change in vehicles a day" in page
    with translation.override("en"):  # the pooled p-value, in the reader's English
        shown = evaluation_texts.p_value(result["pooled"]["p_value"])
    assert f"<td>{shown.replace('<', '&lt;')}</td>" in page
    # two control sites only: a warning in plain words
    assert "Fewer than three control sites: the interval is wide." in page
    # and the summary is the town's French, with the sites' names and the change per day
    summary = page.split('<p class="lead" lang="fr">')[1].split("</p>")[0]
    assert summary.startswith(
        "Aux sites Avenue du Prieuré (centre) et Rue de la Poste (centre) (Pully)"
    )
    assert "véhicules par jour" in summary


def test_the_form_suggests_control_sites_that_moved_like_the_treated_ones(analyst, treated_town):
    # when the analyst asks for suggestions with treated sites, mode and date only
    data = form(control=[], title="")
    data["action"] = "suggest"
    response = analyst.post(list_url(treated_town), data)
    # then the car sites other than the treated are ranked, and preselected as controls
    assert response.status_code == 200
    page = response.content.decode()
    assert "Candidate control sites" in page
    ranked = page.split('id="suggestions"')[1].split("</table>")[0]
    assert "Chemin de Rennier (P07)" in ranked and "Avenue des Désertes (P08)" in ranked
    assert "P03" not in ranked  # a bicycle counter is no control for cars
    assert '<option value="P07" selected>' in page and '<option value="P08" selected>' in page
    # and nothing was recorded, nor any error shown for the title not filled yet
    with scope(treated_town):
        assert not Evaluation.objects.exists()
    assert "This field is required" not in page


def test_a_site_without_counts_of_the_mode_is_refused(analyst, treated_town):
    response = analyst.post(list_url(treated_town), form(mode="bicycle"))
    assert response.status_code == 400
    assert "No counts of this mode (Bicycles) at: P01, P02, P07, P08" in response.content.decode()


def test_the_pdf_report_carries_the_warnings_the_weeks_and_the_placebo_dates(
    analyst, town_a, in_town
):
    # given an evaluation of sites already drifting apart before the date (its result as the
    # pipeline gives it)
    from io import BytesIO

    import pypdf

    from analytics.evaluation import evaluate
    from analytics.tests.test_evaluation import drifting

    from .factories import EvaluationFactory

    result = evaluate(
        drifting(70, slope=0.01),
        treated=["T1", "T2"],
        control=["C1", "C2", "C3"],
        intervention=dt.date(2024, 2, 12),
        before_days=28,
        after_days=28,
    )
    result["mode"] = "car"
    evaluation = EvaluationFactory(result=result, treated=["T1", "T2"], control=["C1", "C2", "C3"])
    # when the PDF is downloaded by an English-reading analyst
    url = reverse(
        "mobility:evaluation-report-pdf",
        kwargs={"town": town_a.slug, "evaluation_id": evaluation.pk},
    )
    pdf = analyst.get(url)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(pdf.content)).pages)
    # then: the town's French summary, the warnings in words, the weeks and the fake dates
    assert "Aux sites T1 et T2 (Pully)" in text
    assert "prolonger une évolution déjà en cours" in text or "trend already under way" in text
    assert "Extending the trend of the before period explains the change" in text
    assert "Week by week" in text and "Fake intervention dates" in text
    assert "05.02.2024" in text  # the first placebo date
