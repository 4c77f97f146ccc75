"""Figures published together, as one linear system over the underlying cells (see the
package's docstring)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .table import DEFAULT_K

EIGEN_CUTOFF = 1e-9  # eigenvalues of the (unit-diagonal) Gram matrix below this x the largest: 0
RESIDUAL_CUTOFF = 1e-7  # a unit vector this close to the row space is determined


@dataclass(frozen=True)
class Cell:
    """A published figure: ``sum(weight x underlying cell)`` over ``terms``, and its value."""

    key: Hashable
    terms: Mapping[Hashable, float]
    value: float


@dataclass
class Linked:
    """What :func:`suppress_linked` decided: the keys of the figures not published, the primary
    ones among them (below k), and the values below k that figures already published determine
    (nothing can be hidden any more to protect them; empty unless earlier publications leaked)."""

    hidden: set
    primary: set
    unprotectable: list = field(default_factory=list)


class _Rows:
    """Figures as unit vectors over the underlying cells, stored by underlying cell (column) so
    that products with a column or a figure cost what the figure has terms."""

    def __init__(self, vectors: Sequence[Mapping[Hashable, float]], index: Mapping):
        rows, cols, weights = [], [], []
        for i, terms in enumerate(vectors):
            norm = math.sqrt(sum(w * w for w in terms.values()))
            for atom, w in terms.items():
                rows.append(i)
                cols.append(index[atom])
                weights.append(w / norm)
        order = np.argsort(np.asarray(cols, dtype=np.int64), kind="stable")
        self.rows = np.asarray(rows, dtype=np.int64)[order]
        self.cols = np.asarray(cols, dtype=np.int64)[order]
        self.weights = np.asarray(weights, dtype=float)[order]
        self.n = len(vectors)
        self.ptr = np.searchsorted(self.cols, np.arange(len(index) + 1))

    def gram(self) -> np.ndarray:
        """The rows' Gram matrix (rows x rows), summed one underlying cell at a time."""
        gram = np.zeros((self.n, self.n))
        sizes = np.diff(self.ptr)
        for size in np.unique(sizes[sizes > 0]):
            first = self.ptr[:-1][sizes == size]
            at = first[:, None] + np.arange(size)
            r, w = self.rows[at], self.weights[at]
            np.add.at(
                gram,
                (np.repeat(r[:, :, None], size, 2), np.repeat(r[:, None, :], size, 1)),
                w[:, :, None] * w[:, None, :],
            )
        return gram

    def product(self, vector: Mapping[int, float]) -> tuple[np.ndarray, np.ndarray]:
        """(row indices, values) of rows x vector, for a vector over column indices."""
        found: dict[int, float] = {}
        for col, w in vector.items():
            for j in range(self.ptr[col], self.ptr[col + 1]):
                row = int(self.rows[j])
                found[row] = found.get(row, 0.0) + self.weights[j] * w
        idx = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
        return idx, np.fromiter(found.values(), dtype=float, count=len(found))


class _RowSpace:
    """The row space of the published figures: G+ = W W^T from the eigenvectors of the Gram
    matrix, so the squared length of a unit vector's projection is |W^T (C c)|^2."""

    def __init__(self, rows: _Rows):
        self.rows = rows
        if rows.n == 0:
            self.w = np.zeros((0, 0))
            return
        values, vectors = np.linalg.eigh(rows.gram())
        keep = values > EIGEN_CUTOFF * max(values.max(), 1.0)
        self.w = vectors[:, keep] / np.sqrt(values[keep])

    def determined(self, vector: Mapping[int, float]) -> tuple[bool, np.ndarray | None]:
        """Whether a unit vector lies in the row space, and then the figures combining to it."""
        if self.w.size == 0:
            return False, None
        idx, g = self.rows.product(vector)
        if not len(idx):
            return False, None
        inner = self.w[idx].T @ g
        if 1.0 - float(inner @ inner) > RESIDUAL_CUTOFF:
            return False, None
        return True, self.w @ inner


def _unit(terms: Mapping[Hashable, float], index: Mapping) -> dict[int, float]:
    norm = math.sqrt(sum(w * w for w in terms.values()))
    return {index[a]: w / norm for a, w in terms.items()}


def _index(figures: Sequence[Cell]) -> dict:
    return {a: i for i, a in enumerate(dict.fromkeys(a for c in figures for a in c.terms))}


class _Relations:
    """The linear relations among all the figures of a block (shown or not): an orthonormal
    basis of the left null space of their matrix, from the Gram matrix's eigenvectors with a
    zero eigenvalue. Computed once; then a hidden figure is determined by the shown ones when
    its unit vector lies in the row space of the relations restricted to the hidden figures
    (what the line rule checks for one table, for any set of tables)."""

    def __init__(self, figures: Sequence[Cell], index: Mapping):
        rows = _Rows([f.terms for f in figures], index)
        if rows.n == 0:
            self.basis = np.zeros((0, 0))
            return
        values, vectors = np.linalg.eigh(rows.gram())
        null = values <= EIGEN_CUTOFF * max(values.max(), 1.0)
        self.basis = vectors[:, null].T  # relations x figures

    def determined(self, hidden: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """(figure, combination over all figures) for each hidden figure that the others give:
        the combination is a relation with weight 1 on it and 0 on every other hidden one."""
        columns = np.flatnonzero(hidden)
        if not len(columns) or not len(self.basis):
            return []
        a = self.basis[:, columns]
        u, s, vt = np.linalg.svd(a, full_matrices=False)
        rank = int((s > EIGEN_CUTOFF * max(s.max(initial=0.0), 1.0)).sum())
        reach = (vt[:rank] ** 2).sum(axis=0)
        found = []
        for j in np.flatnonzero(1.0 - reach <= RESIDUAL_CUTOFF):
            alpha = u[:, :rank] @ (vt[:rank, j] / s[:rank])
            found.append((int(columns[j]), alpha @ self.basis))
        return found


def audit(
    cells: Sequence[Cell],
    hidden: set,
    *,
    k: float,
    atoms: Mapping[Hashable, float],
    known: Sequence[Cell] = (),
) -> list:
    """Every value below k that the published figures determine: keys of hidden cells, and
    ``("atom", key)`` for underlying cells. Published: the cells not in ``hidden``, and
    ``known`` (what the attacker knows anyway, e.g. that two breakdowns count the same people).
    """
    index = _index([*cells, *known])
    shown = [c for c in cells if c.key not in hidden] + list(known)
    space = _RowSpace(_Rows([c.terms for c in shown], index))
    found = []
    for c in cells:
        if c.key in hidden and c.value < k and space.determined(_unit(c.terms, index))[0]:
            found.append(c.key)
    for atom, i in index.items():
        if atoms.get(atom, k) < k and space.determined({i: 1.0})[0]:
            found.append(("atom", atom))
    return found


def _atom_leaks(figures, shown, index, *, k, atoms, skip) -> list:
    """Underlying cells below k that the shown figures determine, with the figures combining
    to each (one eigen decomposition of the shown figures' Gram matrix)."""
    space = _RowSpace(_Rows([figures[i].terms for i in shown], index))
    found = []
    for atom, i in index.items():
        if atoms.get(atom, k) < k and ("atom", atom) not in skip:
            done, combination = space.determined({i: 1.0})
            if done:
                found.append((("atom", atom), [shown[j] for j in _support(combination)]))
    return found


def _support(combination: np.ndarray) -> np.ndarray:
    """The figures that take part in a combination (weights not ~0)."""
    top = np.abs(combination).max()
    return np.flatnonzero(np.abs(combination) > 1e-9 * top)


def suppress_linked(
    cells: Sequence[Cell],
    *,
    k: float = DEFAULT_K,
    atoms: Mapping[Hashable, float],
    known: Sequence[Cell] = (),
    frozen: Mapping[Hashable, bool] | None = None,
) -> Linked:
    """Decide which of ``cells`` (figures published together) to hide.

    Primary: every cell below k. Secondary, in rounds: for each value below k that the shown
    figures determine (a hidden cell, or an underlying cell in ``atoms`` with its value), the
    smallest shown cell taking part in a combination that determines it is hidden too, until
    nothing below k is determined. ``frozen`` maps keys already published to whether they were
    hidden: they keep that state. ``known`` figures are always shown (the attacker's knowledge).
    At the end, a secondary cell that the shown figures determine anyway is shown (it tells
    nothing more).

    The relations among the figures are computed once, so a round over the hidden cells costs
    an SVD of (relations x hidden cells); the underlying cells, which no relation among the
    figures covers, are checked once the cells are safe (one eigen decomposition per check).
    """
    frozen = dict(frozen or {})
    cells = [c for c in cells if c.terms]
    figures = cells + [c for c in known if c.terms]
    index = _index(figures)
    values = [c.value for c in cells]
    hideable = [c.key not in frozen for c in cells] + [False] * (len(figures) - len(cells))
    primary = {c.key for c in cells if c.value < k and c.key not in frozen}
    hidden = np.array(
        [c.key in primary or frozen.get(c.key, False) for c in cells]
        + [False] * (len(figures) - len(cells)),
        dtype=bool,
    )
    relations = _Relations(figures, index)
    unprotectable: list = []
    skip: set = set()
    for _round in range(len(figures) + 1):
        leaks = [
            (cells[i].key, list(_support(combination)))
            for i, combination in relations.determined(hidden)
            if cells[i].value < k and cells[i].key not in skip
        ]
        if not leaks:
            shown = list(np.flatnonzero(~hidden))
            leaks = _atom_leaks(figures, shown, index, k=k, atoms=atoms, skip=skip)
        if not leaks:
            break
        added: set[int] = set()
        for item, combination in leaks:
            candidates = [i for i in combination if hideable[i] and not hidden[i]]
            if not candidates:
                unprotectable.append(item)
                skip.add(item)
            elif not added.intersection(candidates):
                added.add(min(candidates, key=lambda i: (values[i], repr(cells[i].key))))
        if not added:
            continue
        hidden[list(added)] = True
    secondary = hidden.copy()
    secondary[: len(cells)] &= np.array(
        [hideable[i] and cells[i].key not in primary for i in range(len(cells))], dtype=bool
    )
    for i, _combination in relations.determined(hidden):
        if secondary[i]:  # shown figures give it anyway: showing it tells nothing more
            hidden[i] = False
    return Linked(
        hidden={c.key for c, h in zip(cells, hidden, strict=False) if h},
        primary=primary,
        unprotectable=unprotectable,
    )
