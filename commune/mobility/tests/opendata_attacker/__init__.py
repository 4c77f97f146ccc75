"""The attacker of the open data: it reads everything the public side serves (pages and exports
in every format), writes each published figure as a linear equation over the true underlying
cells, and solves for the cells below k.

Written from the outside, without the publishing code: the equations follow the indicators'
published definitions (a daily volume is the sum of the site's hours that day, a profile cell
the sum over sites of each site's mean over its observed hours, a share is a cell over its
total, so cell - share x total = 0), and the attacker is given more than a visitor has: the
hours each site observed (so every mean's divisor), and the fact that presence and dwell come
from the same people (per zone and day, the sum over home classes equals the sum over dwell
classes). The underlying cells are the finest the data has: a site's hour, a zone pair's day
(per via zone), a zone's day per home class or dwell class.

A cell is *determined* when its vector lies in the row space of the equations (null-space test
by SVD, per connected block of the system); a cell below k that is determined is a leak.
"""

from .attacker import FILENAME_PERIOD, WITH_PEOPLE, Attacker, export_period, hidden
from .system import Block, Leak, System

__all__ = [
    "FILENAME_PERIOD",
    "WITH_PEOPLE",
    "Attacker",
    "Block",
    "Leak",
    "System",
    "export_period",
    "hidden",
]
