"""A town with many counting sites (a canton: 11,000): the sites are typed, not picked from a
list of thousands; the page stays the same otherwise."""

from __future__ import annotations

import pytest

from commune.mobility import forms_observatory

from .test_observatory import PERIOD, analyst, data_a, url  # noqa: F401 - fixtures


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
