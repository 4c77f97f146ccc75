"""The observatory's table figures (templatetags/figures.py) and its heatmaps write what the page
promises: "—" for a hidden or missing figure (Django's floatformat wrote an empty cell), whole
numbers grouped, and a quiet site's mean per hour to the tenth (0.3 an hour is not 0)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from commune.mobility import charts

NARROW = "\u202f"


@pytest.mark.parametrize(
    ("value", "kind", "language", "expected"),
    [
        (None, "", "fr", "—"),
        (float("nan"), "", "fr", "—"),
        ("—", "", "fr", "—"),
        (12345.4, "", "fr", f"12{NARROW}345"),
        (12345.5, "", "en", "12,346"),
        (0.3, "", "fr", "0"),
        (0.3, "mean", "fr", "0,3"),
        (0.25, "mean", "de", "0,3"),
        (9.94, "mean", "en", "9.9"),
        (12.6, "mean", "fr", "13"),
        (None, "mean", "it", "—"),
    ],
)
def test_a_figure_is_written_as_the_page_promises(value, kind, language, expected):
    template = Template("{% load figures %}{{ v|figure:kind }}")
    with translation.override(language):
        assert template.render(Context({"v": value, "kind": kind})) == expected


def test_no_observatory_template_writes_a_hidden_figure_as_an_empty_cell():
    """floatformat turns the "—" given by default_if_none into "": use |figure."""
    templates = Path(__file__).resolve().parents[1] / "templates"
    chained = [
        f"{path.name}: {match}"
        for path in templates.rglob("*.html")
        for match in re.findall(r'default_if_none:"—"\|floatformat[^ }]*', path.read_text())
    ]
    assert chained == []


def test_a_heatmap_cell_of_a_quiet_hour_is_written_to_the_tenth():
    grid = {(1, 8): 0.3, (1, 9): 42.4, (1, 10): None}
    with translation.override("fr"):
        svg = charts.heatmap("Profil", grid, ["lundi"], x_title="h", y_title="j", unit="u")
    titles = dict(re.findall(r"<title>lundi (\d+)h: ([^<]+)</title>", svg))
    assert (titles["8"], titles["9"], titles["10"]) == ("0,3", "42", "—")
    assert ">0,3</text>" in svg and ">42</text>" in svg  # the colour scale's two ends
