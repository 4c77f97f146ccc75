"""A town with many counting sites (a canton: 11,000): the sites are typed, not picked from a
list of thousands; the page stays the same otherwise."""

from __future__ import annotations

import pytest

from commune.mobility import forms_observatory

from .test_observatory import PERIOD, _csv, analyst, data_a, url  # noqa: F401 - fixtures


@pytest.fixture
def many_sites(monkeypatch):
    """The demo's 8 sites count as 'many' (the threshold lowered, not the behaviour)."""
    monkeypatch.setattr(forms_observatory, "SITE_LIST_MAX", 5)


def test_beyond_the_threshold_the_sites_are_typed_and_filter_the_page(
    analyst,  # noqa: F811
    data_a,  # noqa: F811
    many_sites,
):
    # when: the analyst types two sites' ids
    response = analyst.get(url(data_a), {**PERIOD, "site": "P01, P07"})
    # then: a text box holds them, there is no list of every site, and the page shows those two
    assert response.status_code == 200
    body = response.content.decode()
    assert '<select name="site"' not in body
    assert 'type="text" name="site" value="P01, P07"' in body
    assert [s["id"] for s in response.context["shown"]["sites"]] == ["P01", "P07"]
    # and: links built the list's way (site=A&site=B) still work
    again = analyst.get(url(data_a), {**PERIOD, "site": ["P01", "P07"]})
    assert [s["id"] for s in again.context["shown"]["sites"]] == ["P01", "P07"]


def test_a_typed_site_that_does_not_exist_is_a_clear_error(
    analyst,  # noqa: F811
    data_a,  # noqa: F811
    many_sites,
):
    response = analyst.get(url(data_a), {**PERIOD, "site": "P01 P99"})
    assert response.status_code == 400
    assert "P99" in response.content.decode()


def test_below_the_threshold_the_sites_are_a_list(analyst, data_a):  # noqa: F811
    body = analyst.get(url(data_a), PERIOD).content.decode()
    assert '<select name="site"' in body


@pytest.fixture
def pages_of_three(monkeypatch):
    """Pages of 3 sites and a quality table of the 2 worst (the demo has 8 sites)."""
    from commune.mobility.presentation import tables

    monkeypatch.setattr(tables, "SITES_PER_PAGE", 3)
    monkeypatch.setattr(tables, "QUALITY_ROWS", 2)


def shown_ids(response, key="sites") -> list[str]:
    return [s["id"] for s in response.context["shown"][key]]


def test_the_sites_are_shown_a_page_at_a_time_with_links_that_keep_the_filter(
    analyst,  # noqa: F811
    data_a,  # noqa: F811
    pages_of_three,
):
    export = analyst.get(url(data_a, "mobility:export-csv"), {**PERIOD, "indicator": "daily"})
    every = sorted(set(_csv(export).site_id))
    assert len(every) == 8
    # when: the first page
    first = analyst.get(url(data_a), PERIOD)
    body = first.content.decode()
    # then: three sites, where they are among all, and a link to the next page with the period
    assert first.context["data"]["counted_sites"] == every
    assert shown_ids(first) == every[:3]
    # and: only their days were read (a canton's year is 4 M rows; the export has them all)
    assert sorted(set(first.context["data"]["daily"].site_id)) == every[:3]
    assert "Sites 1 to 3 of 8" in body
    assert "Page 1 of 3" in body
    assert "start=2026-01-05&amp;end=2026-02-15&amp;sites_page=2#sites-title" in body
    # when: the next pages
    assert shown_ids(analyst.get(url(data_a), {**PERIOD, "sites_page": "2"})) == every[3:6]
    last = analyst.get(url(data_a), {**PERIOD, "sites_page": "3"})
    assert shown_ids(last) == every[6:]
    assert 'rel="next"' not in last.content.decode()
    # and: a page beyond the last is the last, a page that is not a number the first
    assert shown_ids(analyst.get(url(data_a), {**PERIOD, "sites_page": "99"})) == every[6:]
    assert shown_ids(analyst.get(url(data_a), {**PERIOD, "sites_page": "x"})) == every[:3]


def test_the_comparison_is_of_the_page_s_sites(analyst, data_a, pages_of_three):  # noqa: F811
    response = analyst.get(url(data_a), {**PERIOD, "compare": "previous", "sites_page": "2"})
    assert [r["id"] for r in response.context["comparison"]["rows"]] == shown_ids(response)


def test_data_quality_shows_the_sites_missing_the_most_hours(
    analyst,  # noqa: F811
    data_a,  # noqa: F811
    pages_of_three,
):
    # given: a period reaching past the data's end, so sites miss hours
    response = analyst.get(url(data_a), {"start": "2026-01-05", "end": "2026-03-31"})
    quality = response.context["data"]["quality"]
    worst = quality.sort_values(["missing_hours", "site_id"], ascending=[False, True]).head(2)
    # then: the two sites that miss the most, said to be 2 of 8
    assert shown_ids(response, "quality") == list(worst.site_id)
    assert "The 2 sites with the most hours missing, of 8" in response.content.decode()
