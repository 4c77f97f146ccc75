"""`{% load days %}`: a day with its weekday in the reader's language (core/days.py); a
datetime is shown in the current time zone, as Django's `date` filter shows it."""

from django import template

from commune.core import days

register = template.Library()


@register.filter(expects_localtime=True)
def weekday_date(value, arg: str = "") -> str:
    """`{{ day|weekday_date }}`; `{{ day|weekday_date:"no year" }}` leaves the year out."""
    if value in (None, ""):
        return ""
    return days.weekday_date(value, year=arg != "no year")


@register.filter(expects_localtime=True)
def weekday_datetime(value, arg: str = "") -> str:
    """`{{ moment|weekday_datetime }}`: the day with its weekday, and the time; with
    `:"no year"` without the year."""
    if value in (None, ""):
        return ""
    return days.weekday_date(value, time=True, year=arg != "no year")
