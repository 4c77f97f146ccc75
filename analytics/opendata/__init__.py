"""Open data as fixed tables: fixed periods, fixed groupings, suppressed together.

The public side publishes no table of a period or grouping a visitor chooses: every free query
is a new equation, and enough of them recover any small cell by subtraction. It publishes,
once per period, the tables below, for calendar **months** and for calendar **weeks cut at the
month's edges** (Monday to Sunday, except that a week running over two months is published as
its two pieces), in local dates. So a month is exactly the union of its weeks and a published
figure never spans two months: the linear system of everything a town ever publishes falls
apart into one block per month and family of data, and each block can be audited whole.

Families (no figure of one family is computed from the data of another, so their blocks never
share an unknown):

* ``counts``: daily volume per site (``daily``), site totals over the period (``sites``),
  weekday x hour profile (``profile``: per site the mean over its observed hours, summed over
  sites; a mean is a sum over a known number of hours, so it is linear), data quality
  (``quality``: hours expected and observed per site, about the counters, not people: shown).
* ``od``: trips per origin and destination (``od``), their margins per zone (``zones``), the
  perimeter's traffic typology (``typology``, with its total).
* ``presence``: the perimeter's presence by home distance (``catchment``, with its total) and
  persons by dwell time per zone (``dwell``, with each zone's total). Presence and dwell count
  the same people when the operator delivers them together: where they sum alike, the audit
  assumes the attacker knows they are equal.

Each figure is a :class:`analytics.privacy.Cell` over the *underlying cells*: a site's hour
for counts, a zone pair's (and via zone's) week for OD, a zone's week by home band or dwell band
for presence. Those are the basis kept with a week's publication (privately); a month is made
from its weeks' bases, so it is consistent with them even if the data was corrected since.
``publish`` suppresses the new period's figures together with the figures already published in
the same block (frozen: a published figure is never hidden or changed afterwards).
"""

from .families import FAMILIES, Family
from .periods import (
    MONTH,
    TZ,
    WEEK,
    Period,
    hours_in,
    month_of,
    months_between,
    period_of_key,
    weeks_of,
)
from .publish import Frozen, Made, dataset_span, keys_from_json, keys_to_json, publish

__all__ = [
    "FAMILIES",
    "MONTH",
    "TZ",
    "WEEK",
    "Family",
    "Frozen",
    "Made",
    "Period",
    "dataset_span",
    "hours_in",
    "keys_from_json",
    "keys_to_json",
    "month_of",
    "months_between",
    "period_of_key",
    "publish",
    "weeks_of",
]
