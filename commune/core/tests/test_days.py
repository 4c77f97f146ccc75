"""A day with its weekday, as each language writes it (core/days.py and its template filters):
German puts a comma after the weekday and a point after the day's number. (The capitals of
"Jeudi" and "Dicembre" are Django's own French and Italian names.)"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from commune.core.days import weekday_date

ZURICH = ZoneInfo("Europe/Zurich")
#: Thursday 10 December 2026, 14:00 in Pully (13:00 UTC).
MOMENT = dt.datetime(2026, 12, 10, 13, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "day", "moment", "no_year"),
    [
        ("fr", "Jeudi 10 décembre 2026", "Jeudi 10 décembre 2026, 14:00", "Jeudi 10 décembre"),
        (
            "de",
            "Donnerstag, 10. Dezember 2026",
            "Donnerstag, 10. Dezember 2026, 14:00",
            "Donnerstag, 10. Dezember",
        ),
        (
            "it",
            "Giovedì 10 Dicembre 2026",
            "Giovedì 10 Dicembre 2026, 14:00",
            "Giovedì 10 Dicembre",
        ),
        (
            "en",
            "Thursday 10 December 2026",
            "Thursday 10 December 2026, 14:00",
            "Thursday 10 December",
        ),
    ],
)
def test_a_day_is_written_with_its_weekday_as_its_language_writes_it(
    language, day, moment, no_year
):
    template = Template(
        "{% load days %}{{ d|weekday_date }}|{{ m|weekday_datetime }}"
        "|{{ d|weekday_date:'no year' }}"
    )
    with translation.override(language), timezone.override(ZURICH):
        assert weekday_date(MOMENT.astimezone(ZURICH), time=True) == moment
        shown = template.render(Context({"d": dt.date(2026, 12, 10), "m": MOMENT}))
    assert shown.split("|") == [day, moment, no_year]


def test_nothing_is_written_for_no_day():
    assert Template("{% load days %}[{{ d|weekday_date }}]").render(Context({"d": None})) == "[]"
