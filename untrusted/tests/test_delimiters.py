import pytest

from untrusted.delimiters import guess_delimiter, is_delimited


@pytest.mark.parametrize(
    "header, expected",
    [
        ("site_id,timestamp,count", ","),
        ("site_id;timestamp;count", ";"),
        ("site_id\ttimestamp\tcount", "\t"),
        ("site_id|timestamp|count", "|"),
        # a name with a comma inside a semicolon file: the most frequent one wins
        ("site_id;name, long;count;mode", ";"),
        ("count", ","),  # one column: nothing to split, read as comma-separated
        ("a;b,c", ","),  # a tie: the first of the candidates
    ],
)
def test_the_delimiter_is_the_candidate_found_most_often_in_the_header(header, expected):
    assert guess_delimiter(header) == expected


def test_a_line_without_any_delimiter_is_not_delimited():
    assert is_delimited("a|b") and is_delimited("a\tb")
    assert not is_delimited("plain text")
