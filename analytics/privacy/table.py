"""One two-way table with its totals, suppressed on its own (see the package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_K = 20


@dataclass
class Published:
    """A table ready to publish: values with hidden cells as None, plus totals and masks."""

    values: pd.DataFrame  # interior cells, NaN where hidden
    row_totals: pd.Series
    column_totals: pd.Series
    grand_total: float | None
    primary: np.ndarray  # (r+1, c+1) mask over the augmented table (last row/col = totals)
    secondary: np.ndarray

    def to_records(self) -> list[dict]:
        out = []
        for r in self.values.index:
            for c in self.values.columns:
                v = self.values.at[r, c]
                out.append({"row": r, "column": c, "value": None if pd.isna(v) else int(v)})
        return out


def _augment(matrix: np.ndarray) -> np.ndarray:
    r, c = matrix.shape
    aug = np.zeros((r + 1, c + 1))
    aug[:r, :c] = matrix
    aug[:r, c] = matrix.sum(axis=1)
    aug[r, :c] = matrix.sum(axis=0)
    aug[r, c] = matrix.sum()
    return aug


def _lines(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    """Each line of the augmented table: its cells, the last one being the line's total."""
    r, c = shape[0] - 1, shape[1] - 1
    rows = [[(i, j) for j in range(c + 1)] for i in range(r + 1)]
    cols = [[(i, j) for i in range(r + 1)] for j in range(c + 1)]
    return rows + cols


def recoverable_cells(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the published ones by linear algebra."""
    cells = [tuple(x) for x in np.argwhere(hidden)]
    if not cells:
        return []
    index = {cell: k for k, cell in enumerate(cells)}
    equations = []
    for line in _lines(hidden.shape):
        *parts, total = line
        row = np.zeros(len(cells))
        for cell in parts:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        if row.any():
            equations.append(row)
    a = np.array(equations)
    _, s, vt = np.linalg.svd(a)
    rank = int((s > 1e-9 * max(1.0, s.max())).sum())
    null = vt[rank:].T  # basis of the null space, one row per hidden cell
    if null.size == 0:
        return cells
    return [cell for cell, k in index.items() if np.abs(null[k]).max() < 1e-9]


def _hide_partner(aug, hidden, cell) -> bool:
    """Hide the smallest visible cell sharing a line with ``cell`` (interior cells first)."""
    r, c = aug.shape[0] - 1, aug.shape[1] - 1
    best = None
    for line in _lines(aug.shape):
        if cell not in line:
            continue
        for other in line:
            if hidden[other]:
                continue
            is_total = other[0] == r or other[1] == c
            score = (is_total, aug[other])
            if best is None or score < best[0]:
                best = (score, other)
    if best is None:
        return False
    hidden[best[1]] = True
    return True


def suppress(matrix: pd.DataFrame, *, k: int = DEFAULT_K) -> Published:
    """Suppress a two-way table of counts (rows x columns) published with its totals."""
    values = matrix.to_numpy(dtype=float)
    aug = _augment(values)
    primary = aug < k
    hidden = primary.copy()
    for _ in range(aug.size):
        changed = False
        for line in _lines(aug.shape):
            flags = [hidden[cell] for cell in line]
            if sum(flags) == 1:
                changed |= _hide_partner(aug, hidden, line[flags.index(True)])
        if changed:
            continue
        leaks = recoverable_cells(hidden)
        if not leaks:
            break
        if not _hide_partner(aug, hidden, leaks[0]):
            hidden[:] = True  # nothing left to hide with: publish nothing rather than leak
            break
    r, c = values.shape
    shown = np.where(hidden, np.nan, aug)
    return Published(
        values=pd.DataFrame(shown[:r, :c], index=matrix.index, columns=matrix.columns),
        row_totals=pd.Series(shown[:r, c], index=matrix.index),
        column_totals=pd.Series(shown[r, :c], index=matrix.columns),
        grand_total=None if hidden[r, c] else float(aug[r, c]),
        primary=primary,
        secondary=hidden & ~primary,
    )


def suppress_long(
    frame: pd.DataFrame, *, row: str, column: str, value: str, k: int = DEFAULT_K
) -> Published:
    """:func:`suppress` for a long table (e.g. an OD matrix: origin, destination, trips)."""
    matrix = frame.pivot_table(index=row, columns=column, values=value, aggfunc="sum", fill_value=0)
    return suppress(matrix, k=k)
