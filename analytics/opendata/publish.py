"""Publishing one period of one family: its figures suppressed together with what its block
(the month) already published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analytics import privacy

from .families import Family
from .periods import TZ, WEEK, Period, weeks_of


@dataclass
class Frozen:
    """A period of the same block published earlier: its basis, perimeter and hidden figures."""

    period: Period
    basis: dict
    perimeter: list[str]
    hidden: set


@dataclass
class Made:
    tables: dict
    hidden: set  # keys of the new period's figures that are not published
    unprotectable: list = field(default_factory=list)


def publish(
    family: Family,
    *,
    period: Period,
    perimeter: Sequence[str],
    k: int,
    basis: dict | None = None,
    frozen: Sequence[Frozen] = (),
    tz: str = TZ,
) -> Made:
    """The tables of ``period``, suppressed together with the ``frozen`` periods of its block.

    A week is made from its ``basis``; a month from its weeks' bases (every week of the month
    must be among ``frozen``), so it agrees with what they published."""
    bases = {f.period: f.basis for f in frozen}
    if period.kind == WEEK:
        bases[period] = basis or {}
    elif {w for w in weeks_of(period)} - set(bases):
        raise ValueError(f"a month is published after all its weeks: {period.key}")
    perimeter = list(perimeter)
    cells: dict = {}
    status: dict = {}
    for f in frozen:
        for figure in _flat(family.cells({f.period: f.basis}, f.period, f.perimeter)):
            cells[figure.key] = figure
            status[figure.key] = figure.key in f.hidden
    new = _flat(family.cells(bases, period, perimeter))
    for figure in new:
        cells.setdefault(figure.key, figure)
    decided = privacy.suppress_linked(
        list(cells.values()),
        k=k,
        atoms=family.atoms(bases),
        known=family.known(bases),
        frozen=status,
    )
    hidden = {c.key for c in new if c.key in decided.hidden}
    return Made(
        tables=family.tables(bases, period, perimeter, decided.hidden, tz),
        hidden=hidden,
        unprotectable=decided.unprotectable,
    )


def _flat(tables: dict[str, list[privacy.Cell]]) -> list[privacy.Cell]:
    return [cell for cells in tables.values() for cell in cells]


def keys_to_json(keys: set) -> list:
    return sorted([list(key) for key in keys], key=repr)


def keys_from_json(keys: list) -> set:
    return {tuple(key) for key in keys}


def dataset_span(w, town, dataset: str) -> tuple[dt.date, dt.date] | None:
    """The first and last local date of a town's dataset, None when it has none."""
    try:
        table = w.table(town, dataset)
    except FileNotFoundError:
        return None
    span = w.execute(table.aggregate(first=table.local_date.min(), last=table.local_date.max()))
    if span.empty or pd.isna(span["first"][0]):
        return None
    return pd.Timestamp(span["first"][0]).date(), pd.Timestamp(span["last"][0]).date()
