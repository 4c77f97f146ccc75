"""What a freshly opened observatory page shows and offers: the filter it applies (its defaults
when none was given) is the one in its date boxes, in a form browsers accept, and in every
download link, which answers with that period's figures."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.test import Client

from commune.accounts.models import Role
from commune.mobility.forms_observatory import default_period

from .test_observatory import member, publish_all, url, write_data

NOW = dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC)
#: write_data's 70 days end on 15 March; the default period is the three calendar months up
#: to there, from 1 January.
DEFAULT = ("2026-01-01", "2026-03-15")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.dates: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "/export." in (attrs.get("href") or ""):
            self.links.append(attrs["href"])
        if tag == "input" and attrs.get("type") == "date":
            self.dates[attrs["name"]] = attrs.get("value")


def page_of(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def analyst(staff_client, town_a):
    client = staff_client(member(town_a, Role.MOBILITY_ANALYST))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


@pytest.mark.parametrize(
    "params",
    [{}, {"start": "2026-02-10", "end": "2026-01-10"}],
    ids=["no filter", "filter refused"],
)
def test_every_download_link_of_the_analysts_page_gives_the_period_it_shows(
    analyst, town_a, params
):
    # given
    write_data(town_a)
    # when: the page opened without a filter, or with one it could not use (defaults shown)
    response = analyst.get(url(town_a), params)
    links = page_of(response).links
    # then: every link downloads the default period the page shows
    assert response.context["filters"].start.isoformat() == DEFAULT[0]
    assert len(links) == 1 + 2 * len(response.context["shown"]["indicators"])
    for link in links:
        download = analyst.get(link)
        assert download.status_code == 200, (link, download.content[:200])
        assert f"-internal-{DEFAULT[0]}-{DEFAULT[1]}." in download["Content-Disposition"]


def test_the_download_links_keep_the_chosen_mode_and_sites(analyst, town_a):
    # given
    write_data(town_a)
    params = {"start": "2026-01-05", "end": "2026-01-11", "mode": "car", "site": ["P01", "P02"]}
    # when
    links = page_of(analyst.get(url(town_a), params)).links
    csv = next(link for link in links if "export.csv?indicator=daily" in link)
    download = analyst.get(csv)
    # then
    assert download.status_code == 200
    body = download.content.decode()
    assert "P01" in body and "P02" in body and "P03" not in body
    assert "-internal-2026-01-05-2026-01-11." in download["Content-Disposition"]


def test_every_download_link_of_the_open_page_gives_the_published_period_it_shows(town_a):
    # given: two weeks published
    write_data(town_a, days=14)
    publish_all(town_a)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="fr")
    # when: the page opened without a period (the latest shown)
    response = visitor.get(url(town_a, "mobility:observatory-open"))
    links = page_of(response).links
    # then
    assert response.status_code == 200
    assert response.context["period"].key == "2026-01-12"
    assert len(links) == 1 + 2 * len(response.context["shown"]["indicators"])
    for link in links:
        download = visitor.get(link)
        assert download.status_code == 200, (link, download.content[:200])
        assert "-open-2026-01-12-2026-01-18." in download["Content-Disposition"]


def test_a_page_opened_without_dates_shows_the_default_period_in_its_date_boxes(analyst, town_a):
    # given
    write_data(town_a)
    # when: no filter at all, and a mode without dates
    plain = analyst.get(url(town_a))
    mode_only = analyst.get(url(town_a), {"mode": "bicycle"})
    # then: both show the default period, in ISO dates (what <input type="date"> takes)
    assert plain.status_code == 200
    assert page_of(plain).dates == {"start": DEFAULT[0], "end": DEFAULT[1]}
    assert mode_only.status_code == 200
    assert page_of(mode_only).dates == {"start": DEFAULT[0], "end": DEFAULT[1]}
    assert [s["id"] for s in mode_only.context["shown"]["sites"]] == ["P03"]


def test_an_export_link_without_dates_gives_the_default_period(analyst, town_a):
    # given
    write_data(town_a)
    # when
    response = analyst.get(url(town_a, "mobility:export-csv"), {"indicator": "daily"})
    # then
    assert response.status_code == 200
    assert f"-internal-{DEFAULT[0]}-{DEFAULT[1]}." in response["Content-Disposition"]


@pytest.mark.parametrize("language", ["fr", "de", "it"])
def test_dates_typed_in_the_local_format_are_accepted_and_shown_in_iso(analyst, town_a, language):
    # given
    write_data(town_a)
    # when: dates as a user of this language types them
    response = analyst.get(
        url(town_a),
        {"start": "05.01.2026", "end": "15.02.2026"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then: used, and shown back as ISO dates, which the date boxes display
    assert response.status_code == 200
    assert response.context["filters"].start == dt.date(2026, 1, 5)
    assert page_of(response).dates == {"start": "2026-01-05", "end": "2026-02-15"}


def test_a_date_that_cannot_be_read_is_shown_back_as_typed_with_its_error(analyst, town_a):
    # given
    write_data(town_a)
    # when
    response = analyst.get(url(town_a), {"start": "not a date", "end": "2026-01-10"})
    # then
    assert response.status_code == 400
    assert page_of(response).dates == {"start": "not a date", "end": "2026-01-10"}


@pytest.mark.parametrize(
    ("last", "start"),
    [
        (dt.date(2024, 12, 31), dt.date(2024, 10, 1)),
        (dt.date(2026, 1, 15), dt.date(2025, 11, 1)),  # across the new year
        (dt.date(2026, 3, 1), dt.date(2026, 1, 1)),
        (dt.date(2028, 2, 29), dt.date(2027, 12, 1)),
    ],
)
def test_the_default_period_is_three_calendar_months_up_to_the_last_day(last, start):
    assert default_period(last) == (start, last)
