"""The interface is French first and fully translated into German and Italian.

The catalogue checks read locale/<lang>/LC_MESSAGES/django.po, so a new string without a
translation fails the suite. The page checks render real pages through the LocaleMiddleware
(the compiled .mo files come from ./test and ./run, which compile the catalogues first).
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

TRANSLATED = ["fr", "de", "it"]

# %(name)s, %(n)d, %s … (a space flag is left out on purpose: "95 % interval" is plain text)
FORMAT = re.compile(r"%%|%\(\w+\)[-#0+]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[-#0+]*\d*(?:\.\d+)?[sdifr]")
BRACES = re.compile(r"\{\{.*?\}\}|\{[^{}\s]*\}")
TAGS = re.compile(r"</?[a-zA-Z][^<>]*>")


@pytest.fixture(autouse=True)
def language_restored():
    """A request leaves its language active in the thread; later tests must not inherit it."""
    previous = translation.get_language()
    yield
    translation.activate(previous)


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )


def entries(language: str) -> list[polib.POEntry]:
    return [e for e in catalogue(language) if not e.obsolete and e.msgid]


def tokens(text: str, *, python_format: bool) -> Counter:
    found = TAGS.findall(text) + BRACES.findall(text)
    if python_format:
        found += FORMAT.findall(text)
    return Counter(found)


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_has_a_checked_translation(language):
    # given: the catalogue of a language the interface is offered in
    po = entries(language)
    # when
    missing = [
        label(e)
        for e in po
        if "fuzzy" in e.flags
        or (e.msgid_plural and not all(v.strip() for v in e.msgstr_plural.values()))
        or (not e.msgid_plural and not e.msgstr.strip())
    ]
    # then
    assert len(po) > 500
    assert not missing, f"{len(missing)} untranslated or fuzzy in {language}: {missing[:20]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_and_markup_survive_translation(language):
    # given
    wrong = []
    for e in entries(language):
        python_format = "python-format" in e.flags
        if e.msgid_plural:
            pairs = [(e.msgid_plural, v) for v in e.msgstr_plural.values()]
        else:
            pairs = [(e.msgid, e.msgstr)]
        # when
        for source, translated in pairs:
            if not translated:
                continue
            if tokens(source, python_format=python_format) != tokens(
                translated, python_format=python_format
            ):
                wrong.append(f"{label(e)} -> {translated!r}")
            if source.count("\n") != translated.count("\n"):
                wrong.append(f"line breaks differ: {label(e)}")
    # then
    assert not wrong, "\n".join(wrong[:20])


def test_plural_forms_are_declared_for_each_language():
    # given / when
    forms = {lang: catalogue(lang).metadata.get("Plural-Forms", "") for lang in TRANSLATED}
    # then
    assert "plural=(n > 1)" in forms["fr"]
    assert "plural=(n != 1)" in forms["de"] and "plural=(n != 1)" in forms["it"]


def test_the_english_catalogue_keeps_the_msgids_untranslated():
    # given / when
    translated = [label(e) for e in entries("en") if e.msgstr or any(e.msgstr_plural.values())]
    # then
    assert not translated


def test_swiss_german_writes_ss_not_sharp_s():
    # given / when
    sharp = [label(e) for e in entries("de") if "ß" in e.msgstr + "".join(e.msgstr_plural.values())]
    # then
    assert not sharp


def test_a_known_string_compiles_into_each_catalogue(settings):
    # given: the compiled catalogues Django actually reads
    # when / then
    expected = {"fr": "Page introuvable", "de": "Seite nicht gefunden", "it": "Pagina non trovata"}
    for language, text in expected.items():
        with translation.override(language):
            assert translation.gettext("Page not found") == text


PAGES = [
    ("/", "Les communes sur commune", "Die Gemeinden auf commune"),
    ("/pully/", "Guichet en ligne de Pully", "Online-Dienste von Pully"),
    ("/accounts/login/", "Mot de passe oublié ?", "Passwort vergessen?"),
]


@pytest.mark.parametrize(("path", "french", "german"), PAGES)
def test_pages_are_in_french_by_default(client, town_a, path, french, german):
    # given: a browser that states no language preference
    # when
    response = client.get(path)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr-CH">' in body
    assert french in body
    assert german not in body


@pytest.mark.parametrize(("path", "french", "german"), PAGES)
def test_pages_follow_the_accept_language_header(client, town_a, path, french, german):
    # given: a browser set to Swiss German
    # when
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9,en;q=0.5")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de-CH">' in body
    assert german in body
    assert french not in body


@pytest.mark.parametrize(("path", "french", "german"), PAGES)
def test_the_language_cookie_wins_over_the_browser(client, town_a, path, french, german):
    # given: the visitor chose German with the language switcher, in an Italian browser
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    # when
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="it-CH,it;q=0.9")
    # then
    body = response.content.decode()
    assert '<html lang="de-CH">' in body
    assert german in body


def test_the_language_switcher_sets_the_cookie_and_the_next_page_is_italian(client, town_a):
    # given: the switcher form in the page header (works without JavaScript)
    # when
    response = client.post("/i18n/setlang/", {"language": "it", "next": "/pully/"})
    follow = client.get(response["Location"])
    # then
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    assert "Servizi online di Pully" in follow.content.decode()
