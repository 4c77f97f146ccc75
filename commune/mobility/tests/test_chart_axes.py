"""Every observatory chart says what it counts: axis titles with the unit of the counted mode
(per day, per hour), dates as d.m., a legend for every mark and colour scale, in the reader's
language; and the demo's zones have neighbourhood names, never "Z000" (issue 9)."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from django.utils import formats, translation

from analytics import synthetic
from commune.accounts.models import Role
from commune.mobility import chart_parts, report, warehouse
from commune.mobility.models import Evaluation

from .test_observatory import member, url, write_data

PERIOD = {"start": "2026-01-05", "end": "2026-02-15"}


@pytest.fixture
def demo_town(town_a):
    write_data(town_a, days=42)
    return town_a


def _charts(body: str) -> list[str]:
    return re.findall(r"<svg class=\"chart\".*?</svg>", body, flags=re.S)


def _chart(body: str, name: str) -> str:
    found = [svg for svg in _charts(body) if f'aria-label="{name}' in svg]
    assert len(found) >= 1, name
    return found[0]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            {
                "daily": ("Volume journalier à Avenue du Prieuré (centre)", "véhicules par jour"),
                "date": "Date (jour.mois.)",
                "profile": "Volume horaire moyen par jour de la semaine et par heure",
                "hour": "Heure de la journée (de 0 à 23 h)",
                "weekday": "Jour de la semaine",
                "scale": "Échelle des couleurs (véhicules par heure) :",
                "no_data": "pas de données",
                "typology": ("Typologie du trafic du périmètre", "Part des déplacements (%)"),
                "trip": "Type de déplacement",
                "quality": ("Heures manquantes par poste", "Heures sans comptage dans la période"),
            },
        ),
        (
            "de",
            {
                "daily": ("Tagesvolumen bei Avenue du Prieuré (centre)", "Fahrzeuge pro Tag"),
                "date": "Datum (Tag.Monat.)",
                "profile": "Mittleres Stundenvolumen nach Wochentag und Stunde",
                "hour": "Tageszeit (0 bis 23 Uhr)",
                "weekday": "Wochentag",
                "scale": "Farbskala (Fahrzeuge pro Stunde):",
                "no_data": "keine Daten",
                "typology": ("Verkehrstypologie des Perimeters", "Anteil der Fahrten (%)"),
                "trip": "Art der Fahrt",
                "quality": ("Fehlende Stunden pro Zählstelle", "Stunden ohne Zählung im Zeitraum"),
            },
        ),
    ],
)
def test_the_observatory_charts_title_their_axes_with_the_modes_unit_in_the_readers_language(
    staff_client, demo_town, language, words
):
    # given an analyst reading in `language`, the cars only
    client = staff_client(member(demo_town, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    # when
    body = client.get(url(demo_town), {**PERIOD, "mode": "car"}).content.decode()
    # then a site's daily line: its unit above, dates as d.m. under it
    daily = _chart(body, words["daily"][0])
    assert f">{words['daily'][1]}</text>" in daily
    assert f">{words['date']}</text>" in daily
    assert ">05.01.</text>" in daily and "2026-01" not in daily
    # the profile: hours and weekdays titled, its colour scale with both ends and the unit
    profile = _chart(body, words["profile"])
    assert f">{words['hour']}</text>" in profile and f">{words['weekday']}</text>" in profile
    assert f">{words['scale']}</text>" in profile and f">{words['no_data']}</text>" in profile
    ends = re.findall(r">(\d[\d\u202f]*)</text>", profile.split(words["scale"])[1])
    assert len(ends) == 2 and int(ends[0].replace("\u202f", "")) < int(
        ends[1].replace("\u202f", "")
    )
    # the bars: categories and values titled
    typology = _chart(body, words["typology"][0])
    assert f">{escape_pct(words['typology'][1])}</text>" in typology
    assert f">{words['trip']}</text>" in typology
    quality = _chart(body, words["quality"][0])
    assert f">{words['quality'][1]}</text>" in quality


def escape_pct(text: str) -> str:
    return text.replace("'", "&#x27;")


def test_each_sites_line_takes_the_unit_of_its_own_mode_and_mixed_modes_say_so(
    staff_client, demo_town
):
    # given all modes (P03 counts bicycles, P04 pedestrians, P01 cars)
    client = staff_client(member(demo_town, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    # when
    body = client.get(url(demo_town), PERIOD).content.decode()
    # then each line has its own unit, and the profile adding them says it is all modes
    assert ">vélos par jour</text>" in _chart(body, "Volume journalier à Quai Milliquet")
    assert ">piétons par jour</text>" in _chart(body, "Volume journalier à Place de la Gare")
    assert ">véhicules par jour</text>" in _chart(body, "Volume journalier à Avenue du Prieuré")
    profile = _chart(body, "Volume horaire moyen par jour")
    assert "(passages par heure, tous modes confondus) :</text>" in profile


RESULT = {
    "mode": "car",
    "site_names": {"P01": "Avenue du Prieuré (centre)"},
    "pooled": {"effect_pct": -14.8, "low_pct": -18.2, "high_pct": -11.0},
    "per_site": {
        "P01": {
            "effect_pct": -15.5,
            "low_pct": -20.0,
            "high_pct": -11.0,
            "days_before": 49,
            "days_after": 49,
        }
    },
    "event_study": [
        {"week": -1, "start": "2026-04-27", "effect_pct": 0.4, "low_pct": -2.0, "high_pct": 2.8},
        {"week": 0, "start": "2026-05-04", "effect_pct": -15.0, "low_pct": -18.0, "high_pct": -12},
    ],
}
RESULT["pooled"].update(days_before=49, days_after=49)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "fr",
            [
                "Variation aux sites traités par rapport aux sites témoins (%)",
                "0 : aucun changement",
                "Intervalle à 95 %",
                "Sites traités moins témoins, en % des véhicules par jour",
                "0 : aucun écart avec les sites témoins",
                "Avant (moyenne de la semaine)",
                ">04.05.</text>",
            ],
        ),
        (
            "de",
            [
                "Veränderung an den behandelten Standorten gegenüber den Vergleichsstandorten (%)",
                "0: keine Veränderung",
                "95-%-Intervall",
                "Behandelte minus Vergleichsstandorte, in % der Fahrzeuge pro Tag",
                "0: kein Unterschied zu den Vergleichsstandorten",
                ">04.05.</text>",
            ],
        ),
    ],
)
def test_the_evaluation_charts_title_their_axes_and_explain_every_mark(language, texts):
    # given a computed evaluation of cars (not saved: the charts read its result only)
    evaluation = Evaluation(result=RESULT)
    # when both its charts are drawn in `language`
    with translation.override(language):
        svg = str(report.forest_svg(evaluation)) + str(report.event_study_svg(evaluation))
    # then each title, unit and legend entry is there
    for text in texts:
        assert text in svg, text


def test_the_demo_zones_have_neighbourhood_names_on_the_page_never_their_ids(
    staff_client, demo_town
):
    # given the demo's zones around Pully's centre
    names = synthetic.ZonesSpec(n_zones=12, centre=(2541000.0, 1151400.0)).names()
    assert names[:4] == ["Centre – Prieuré", "Rennier", "Port", "Pully-Nord"]
    assert len(set(names)) == 12 and not any(re.search(r"Z\d{3}", n) for n in names)
    # when the analyst opens the observatory
    client = staff_client(member(demo_town, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    body = client.get(url(demo_town), PERIOD).content.decode()
    # then the perimeter and the flows name the zones, and no id shows (the map's data, for
    # the script, keeps them as keys)
    shown = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    assert "Périmètre : Centre – Prieuré, Rennier, Port, Pully-Nord" in shown
    flows = shown[shown.index('id="flows-title"') : shown.index('id="catchment-title"')]
    assert "Chamblandes" in flows or "Rosiaz" in flows
    assert not re.search(r"\bZ\d{3}\b", shown)


def test_the_downloads_name_each_site_and_zone_beside_its_id(staff_client, demo_town):
    # given the demo town's analyst
    client = staff_client(member(demo_town, Role.MOBILITY_ANALYST))
    # when the daily volumes and the OD matrix are downloaded
    daily, od = (
        pd.read_csv(
            io.BytesIO(
                client.get(
                    url(demo_town, "mobility:export-csv"), {**PERIOD, "indicator": name}
                ).content
            )
        )
        for name in ("daily", "od")
    )
    # then each id has its name beside it
    assert dict(zip(daily.site_id, daily.name, strict=True))["P01"] == "Avenue du Prieuré (centre)"
    zones = dict(zip(od.origin, od.origin_name, strict=True))
    assert zones["Z000"] == "Centre – Prieuré" and zones["Z002"] == "Port"
    assert dict(zip(od.destination, od.destination_name, strict=True))["Z001"] == "Rennier"


def test_the_pdf_reports_forest_titles_its_axis_and_explains_its_marks_in_the_language():
    import pypdf
    from reportlab.graphics import renderPDF

    # given the evaluation's rows, drawn in German as the PDF report draws them
    evaluation = Evaluation(result=RESULT)
    with translation.override("de"):
        drawing = report.forest_drawing(report.effect_rows(evaluation))
    # when the drawing is written as a PDF and its text read back
    pdf = pypdf.PdfReader(io.BytesIO(renderPDF.drawToString(drawing)))
    text = "".join(page.extract_text() for page in pdf.pages)
    # then the axis' title with its unit, and the legend's three entries
    for words in (
        "Veränderung an den behandelten Standorten gegenüber den Vergleichsstandorten (%)",
        "Effekt",
        "95-%-Intervall",
        "0: keine Veränderung",
    ):
        assert words in text, words


def test_the_filter_in_force_is_written_with_the_modes_label_and_the_sites_names(
    staff_client, demo_town
):
    # given an analyst who chose the cars at one site
    client = staff_client(member(demo_town, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    # when
    body = client.get(url(demo_town), {**PERIOD, "mode": "car", "site": "P01"}).content.decode()
    # then the line above the results says them in words, not by their codes
    line = body[body.index('id="observatory-results"') : body.index('id="exports-title"')]
    assert "Voitures" in line and "Avenue du Prieuré (centre)" in line
    assert "car" not in line.replace("Voitures", "") and "P01" not in line


def test_a_zone_the_file_gave_no_name_is_shown_by_its_id_saying_so(
    staff_client, demo_town, tmp_path
):
    # given the town's zones imported again, one of them without a name (as some files are)
    zones = synthetic.ZonesSpec(n_zones=12, centre=(2541000.0, 1151400.0)).geojson()
    del zones["features"][1]["properties"]["name"]
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(zones))
    warehouse.import_file(municipality=demo_town, kind="zones", path=path)
    client = staff_client(member(demo_town, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    # when
    body = client.get(url(demo_town), PERIOD).content.decode()
    od = pd.read_csv(
        io.BytesIO(
            client.get(url(demo_town, "mobility:export-csv"), {**PERIOD, "indicator": "od"}).content
        )
    )
    # then the page says the zone has no name; the download repeats its id as its name
    assert "Périmètre : Centre – Prieuré, Z001 (sans nom), Port, Pully-Nord" in body
    assert dict(zip(od.origin, od.origin_name, strict=True))["Z001"] == "Z001"


@pytest.mark.parametrize(
    ("language", "written"),
    [("fr", "12\u202f345,5"), ("de", "12\u202f345,5"), ("it", "12\u202f345,5"), ("en", "12,345.5")],
)
def test_a_chart_writes_a_number_as_the_tables_beside_it(language, written):
    # A German chart once grouped 12 345 while its table wrote 12.345 (twelve point three to a
    # Swiss reader); both now follow the language's format (commune/formats).
    with translation.override(language):
        assert chart_parts.number(12345.5, 1) == written
        assert formats.number_format(12345.5, 1, force_grouping=True) == written
