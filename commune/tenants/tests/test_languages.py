"""A town's pages speak only the languages the town offers; the platform's pages offer all."""

import re

import pytest

from commune.tenants.tests.factories import MunicipalityFactory


def _switcher(response) -> list[str]:
    form = re.search(
        r'<form class="language-switcher".*?</form>', response.content.decode(), re.DOTALL
    ).group(0)
    return re.findall(r'<option value="([a-z]+)"', form)


def _page_language(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def bilingual(db):
    return MunicipalityFactory(slug="bienne", name="Bienne", languages=["de", "fr"])


def test_a_towns_switcher_offers_only_its_languages_default_first(client, bilingual):
    # when
    response = client.get("/bienne/")
    # then
    assert response.status_code == 200
    assert _switcher(response) == ["de", "fr"]


def test_platform_pages_offer_all_four_languages(client, bilingual):
    assert _switcher(client.get("/")) == ["fr", "de", "it", "en"]


def test_a_town_page_in_a_language_the_town_does_not_offer_falls_back_to_its_default(
    client, bilingual
):
    # given: the visitor chose Italian on the platform
    client.cookies["commune_language"] = "it"
    assert _page_language(client.get("/")) == "it-CH"
    # when: they open a town that speaks German and French
    response = client.get("/bienne/")
    # then: the page is in the town's default language, German
    assert response.wsgi_request.LANGUAGE_CODE == "de"
    assert _page_language(response) == "de-CH"
    assert response["Content-Language"] == "de"
    assert 'value="de" lang="de" selected' in response.content.decode()


def test_a_language_the_town_offers_is_kept(client, bilingual):
    # given
    client.cookies["commune_language"] = "fr"
    # when
    response = client.get("/bienne/")
    # then
    assert response.wsgi_request.LANGUAGE_CODE == "fr"
    assert _page_language(response) == "fr-CH"


def test_unknown_codes_in_the_towns_list_are_not_offered(db):
    town = MunicipalityFactory(slug="morges", languages=["fr", "rm"])
    assert town.offered_languages == ["fr"]
    assert MunicipalityFactory(slug="nyon", languages=[]).offered_languages == ["fr"]
