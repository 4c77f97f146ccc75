"""`{% load figures %}{{ value|figure }}`: a figure of the observatory's tables as the page
promises it — "—" for a figure hidden to protect privacy or missing (Django's `floatformat`
writes an empty cell for it), else a whole number with its thousands grouped. `|figure:"mean"`
writes a mean per hour to the tenth below 10: a quiet site's 0.3 vehicles an hour is not 0."""

import math

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value, kind: str = "") -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(number):
        return "—"
    if kind == "mean" and abs(number) < 10:
        return floatformat(number, "1g")
    return floatformat(number, "0g")
