"""Why an import failed, and why each of its rows went to the quarantine, are stored as codes
and parameters (the pipeline gives no sentence) and written out when read, in the reader's
language: an import run in a French-speaking town reads in German for a German-speaking
analyst. Every code the pipeline can give has its sentence here, with the same parameters."""

from __future__ import annotations

import re
import string

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import translation

from analytics.ingest.report import ENGLISH
from commune.accounts.models import Membership, Role
from commune.accounts.tests.factories import UserFactory
from commune.core.texts import Sentence
from commune.mobility import services, warehouse
from commune.mobility.models import DataImport, Evaluation
from commune.mobility.services.evaluations import evaluation_run
from commune.mobility.texts import SENTENCES, quarantine_reason, render
from commune.tenants.scoping import scope

COUNTS = (
    "site_id,timestamp,count\n"
    "A1,2026-03-17T08:00:00+01:00,12\n"
    "A1,2026-03-17T09:00:00+01:00,x\n"
    "A1,2026-03-29 02:30,4\n"
)


@pytest.fixture
def reader(staff_client, town_a):
    """A mobility analyst of Pully (a French-speaking town) who reads the pages."""
    user = UserFactory()
    with scope(town_a):
        Membership.objects.create(municipality=town_a, user=user, role=Role.MOBILITY_ANALYST)
    return staff_client(user)


def _imported(town, tmp_path, name: str, content: bytes, kind: str = "counts") -> DataImport:
    """The import run as the worker runs it: in the town's language (French)."""
    path = tmp_path / name
    path.write_bytes(content)
    with scope(town), translation.override(town.default_language):
        data_import = services.import_create(municipality=town, kind=kind, source_name=name)
        return services.import_run(data_import=data_import, path=path)


def _page(reader, town, data_import, language: str) -> str:
    url = reverse("mobility:import-detail", kwargs={"town": town.slug, "import_id": data_import.pk})
    return reader.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_quarantine_reads_in_the_readers_language(reader, town_a, tmp_path, warehouse_dir):
    # given: counts imported in Pully, one count that is no number, one hour that does not
    # exist (the spring switch)
    done = _imported(town_a, tmp_path, "counts.csv", COUNTS.encode())
    assert (done.status, len(done.quarantine)) == ("done", 2)

    # then: stored as codes, written out for each reader
    assert [row["key"] for row in done.quarantine] == ["value_not_number", "local_time_missing"]
    german, french = _page(reader, town_a, done, "de"), _page(reader, town_a, done, "fr")
    assert "<td>3</td><td>Wert «x» ist keine Zahl, Zeile 3, Spalte count</td>" in german
    assert "diese Lokalzeit gibt es in Europe/Zurich nicht" in german
    assert "<td>3</td><td>valeur « x » non numérique, ligne 3, colonne count</td>" in french
    assert "cette heure locale n&#x27;existe pas en Europe/Zurich" in french


def test_a_count_too_large_to_store_is_quarantined_with_why(
    reader, town_a, tmp_path, warehouse_dir
):
    # given: a count past 64 bits beside a good one
    counts = (
        "site_id,timestamp,count\n"
        "A1,2026-03-17T08:00:00+01:00,12\n"
        "A1,2026-03-17T09:00:00+01:00,99999999999999999999\n"
    )
    # when
    done = _imported(town_a, tmp_path, "counts.csv", counts.encode())
    # then: one row stored as it was, the other in the quarantine, written out for each reader
    assert (done.status, done.rows_imported) == ("done", 1)
    stored = pd.read_parquet(warehouse.town_folder(municipality=town_a) / "counts")
    assert stored["count"].tolist() == [12]
    assert [row["key"] for row in done.quarantine] == ["value_too_large"]
    french, german = _page(reader, town_a, done, "fr"), _page(reader, town_a, done, "de")
    huge = "99999999999999999999"
    assert (
        f"<td>3</td><td>valeur « {huge} » plus grande que 9223372036854775807, ligne 3, "
        "colonne count</td>"
    ) in french
    assert (
        f"<td>3</td><td>Wert «{huge}» ist grösser als 9223372036854775807, Zeile 3, "
        "Spalte count</td>"
    ) in german


def test_a_refused_file_reads_in_the_readers_language(reader, town_a, tmp_path, warehouse_dir):
    # given: a PDF sent as counts, refused by the pipeline
    failed = _imported(town_a, tmp_path, "counts.csv", b"%PDF-1.4\n%%EOF\n")
    assert failed.status == "failed"
    assert (failed.error_key, failed.error_params["code"]) == ("import.refused", "file_kind")

    # then: each reader reads why in their language, what was expected in their words too
    german = _page(reader, town_a, failed, "de")
    assert (
        "counts.csv ist ein PDF-Dokument, nicht eine CSV-Datei mit Zählungen (Kopfzeile "
        "site_id,timestamp,count oder ein breites Layout)."
    ) in german
    assert "counts.csv est un document PDF, pas un fichier CSV de comptages" in _page(
        reader, town_a, failed, "fr"
    )


def test_an_evaluation_that_fails_reads_in_the_readers_language(town_a, warehouse_dir):
    # given: an evaluation asked of a town without counts
    with scope(town_a):
        evaluation = Evaluation.objects.create(
            municipality=town_a,
            title="Zone 30",
            treated=["P01"],
            control=["P03"],
            intervention_date="2026-01-12",
        )
        failed = evaluation_run(evaluation=evaluation)
    # then
    assert failed.error_key == "evaluation.no_counts"
    for language, sentence in [
        ("de", "Diese Gemeinde hat noch keine Zähldaten."),
        ("fr", "Cette commune n'a pas encore de données de comptage."),
    ]:
        with translation.override(language):
            assert failed.error_message == sentence


def test_rows_stored_before_the_codes_keep_their_text():
    row = {"file": "old.csv", "line": 4, "reason": "count is negative"}
    with translation.override("de"):
        assert quarantine_reason(row) == "count is negative"


def _english_names(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_code_of_the_pipeline_has_its_sentence_with_the_same_parameters(code):
    # given: the pipeline's English sentence and its parameters, with sample values
    names = _english_names(ENGLISH[code])
    params = {name: f"<{name}>" for name in names} | {"count": 3, "first": 1, "second": 2}
    if code == "zone_invalid":
        params["problem"] = "ring_open"
    if code.startswith("archive") or code == "gtfs_unreadable_zip":
        params["refusal"] = "damaged"
    # then: the web side has a sentence that takes exactly those
    assert code in SENTENCES, code
    writer = SENTENCES[code]
    if isinstance(writer, Sentence):
        assert set(re.findall(r"%\((\w+)\)", str(writer.msgid))) == names, code
        params |= dict.fromkeys(writer.dates, "2014-05-26")  # dates are stored as ISO dates
    for language in ("fr", "de", "it", "en"):
        with translation.override(language):
            assert render(code, params), (code, language)
