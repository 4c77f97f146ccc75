"""commune.core.csvsafe: text that a spreadsheet would run gets an apostrophe; numbers do not."""

import csv
import io

import pandas as pd
import pytest

from commune.core.csvsafe import frame_to_csv, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_text_that_starts_a_formula_is_written_as_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Avenue du Prieuré", "", "a=b", " =1", 3, -3.5, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_a_frame_keeps_its_numbers_and_neutralises_its_text_and_header():
    # given: negative numbers (data), hidden cells, a hostile name and a hostile column name
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "Gare", "-x"],
            "delta": [-3.5, 2.0, -1.0],
            "volume": [None, 40, -2],
            "@risk": [1, 2, 3],
        }
    )
    # when
    rows = list(csv.reader(io.StringIO(frame_to_csv(frame).decode())))
    # then
    assert rows[0] == ["name", "delta", "volume", "'@risk"]
    assert rows[1] == ["'=1+1", "-3.5", "", "1"]
    assert rows[3] == ["'-x", "-1.0", "-2.0", "3"]
