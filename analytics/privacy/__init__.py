"""k-anonymity for published tables: no cell from fewer than k persons, no recovery by subtraction.

Primary suppression hides every cell (and every total) below ``k`` (default 20, as the Swiss
operator publishes). Secondary suppression then hides more cells until no suppressed value can be
computed from the published ones.

Two entry points:

* :func:`suppress` - one two-way table with its totals, on its own (the line rule, then an exact
  audit: a hidden cell is recoverable when its unit vector lies in the row space of the line
  equations over the hidden cells, null space by SVD).
* :func:`suppress_linked` - every figure published together, across tables, periods and
  indicators. Each figure is a :class:`Cell`: a linear combination of the underlying cells (a
  site's hour, a zone pair's week...) with its value; a mean is a sum divided by a known count,
  so it is linear too. A value below k is *determined* when its vector lies in the row space of
  the published figures' vectors (the figures shown plus what the attacker is assumed to know);
  this is tested for every hidden figure below k and for every underlying cell below k, however
  the figures overlap. Secondary cells are added until nothing below k is determined; figures
  already published (an earlier period) cannot be hidden any more and are taken as they are.

Interval (bounds) disclosure is not addressed: a hidden cell's range can still be narrowed by
the published totals (it lies between 0 and what they leave over).
"""

from .linked import Cell, Linked, audit, suppress_linked
from .table import DEFAULT_K, Published, recoverable_cells, suppress, suppress_long

__all__ = [
    "DEFAULT_K",
    "Cell",
    "Linked",
    "Published",
    "audit",
    "recoverable_cells",
    "suppress",
    "suppress_linked",
    "suppress_long",
]
