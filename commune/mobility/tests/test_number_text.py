"""The site's daily figures are written in Python for speed (a year's page is 18,300 cells):
each writes what the template filter wrote before, in each of our languages."""

from __future__ import annotations

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from commune.mobility.presentation.values import whole_number_text

VALUES = [0, 1, 7.4, 999, 999.5, 1000, 2.5, 3.5, -2.5, -1234.4, 12345, 1234567.5, 98765432109]


@pytest.mark.parametrize("language", ["fr", "de", "it", "en"])
def test_whole_numbers_are_written_as_the_template_filter_writes_them(language):
    with translation.override(language):
        write = whole_number_text()
        assert [write(v) for v in VALUES] == [floatformat(v, "0g") for v in VALUES]
