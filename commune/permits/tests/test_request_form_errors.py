"""The request form's errors summed up at the top (GOV.UK's error summary): a heading, each
error as a link to its field, role="alert", in the reader's language."""

from __future__ import annotations

import re

import pytest

from .test_views import form_data

pytestmark = pytest.mark.clock


def _summary(body: str) -> str:
    match = re.search(r"<div [^>]*data-error-summary.*?</div>", body, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_the_errors_are_summed_up_at_the_top_with_links_to_the_fields(client, town_a, applicant):
    # given: a form without a description and with a reversed end date
    client.force_login(applicant)
    data = {**form_data(town_a), "description": "", "site_manager_phone": ""}
    # when
    response = client.post("/pully/permits/new/", data)
    # then: the summary comes before the page's heading, with one link per error
    assert response.status_code == 400
    body = response.content.decode()
    summary = _summary(body)
    assert body.index("data-error-summary") < body.index("<h1")
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "Il y a un problème" in summary
    assert re.search(
        r'<a href="#id_description">Description[^<]*: Ce champ est obligatoire', summary
    )
    assert 'href="#id_site_manager_phone"' in summary
    assert 'id="id_description"' in body and 'id="id_site_manager_phone"' in body
    assert "<title>Erreur" in body


def test_the_summary_speaks_the_readers_language(client, town_a, applicant):
    applicant.language = "de"
    applicant.save(update_fields=["language"])
    client.force_login(applicant)
    client.cookies["commune_language"] = "de"
    response = client.post("/pully/permits/new/", {**form_data(town_a), "description": ""})
    summary = _summary(response.content.decode())
    assert "Es gibt ein Problem" in summary
    assert "Dieses Feld ist erforderlich." in summary


def test_a_form_without_errors_has_no_summary(client, town_a, applicant):
    client.force_login(applicant)
    response = client.get("/pully/permits/new/")
    assert "data-error-summary" not in response.content.decode()
