"""The attacks the k-anonymity tests run against published figures: subtraction along the lines
of a table, linear algebra over its totals, and an independent rank test for linked figures."""

import numpy as np

from analytics.privacy import Cell


def subtraction_attack(published) -> dict:
    """Repeatedly solve every row/column/total line that has exactly one unknown."""
    r, c = published.values.shape
    aug = np.full((r + 1, c + 1), np.nan)
    aug[:r, :c] = published.values.to_numpy()
    aug[:r, c] = published.row_totals.to_numpy()
    aug[r, :c] = published.column_totals.to_numpy()
    aug[r, c] = np.nan if published.grand_total is None else published.grand_total
    recovered = {}
    progress = True
    while progress:
        progress = False
        lines = [[(i, j) for j in range(c + 1)] for i in range(r + 1)]
        lines += [[(i, j) for i in range(r + 1)] for j in range(c + 1)]
        for line in lines:
            *parts, total = line
            unknown = [cell for cell in line if np.isnan(aug[cell])]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            if cell == total:
                aug[cell] = sum(aug[p] for p in parts)
            else:
                aug[cell] = aug[total] - sum(aug[p] for p in parts if p != cell)
            recovered[cell] = aug[cell]
            progress = True
    return recovered


def linear_attack(published, truth: np.ndarray) -> list:
    """Cells pinned down by the published totals (least squares + null space, numpy only)."""
    hidden = np.isnan(published.values.to_numpy())
    cells = [tuple(x) for x in np.argwhere(hidden)]
    r, c = hidden.shape
    rows, rhs = [], []
    for i in range(r):
        if not np.isnan(published.row_totals.iloc[i]):
            rows.append([1.0 if (ci == i) else 0.0 for ci, _ in cells])
            rhs.append(published.row_totals.iloc[i] - np.nansum(published.values.iloc[i]))
    for j in range(c):
        if not np.isnan(published.column_totals.iloc[j]):
            rows.append([1.0 if (cj == j) else 0.0 for _, cj in cells])
            rhs.append(published.column_totals.iloc[j] - np.nansum(published.values.iloc[:, j]))
    if not rows or not cells:
        return []
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    pinned = []
    for k, cell in enumerate(cells):
        e = np.zeros(len(cells))
        e[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            pinned.append(cell)
    return pinned


def determined(cells, hidden, atoms, k, known=()) -> list:
    """Independent check: rank test with numpy's SVD on the dense system over the underlying
    cells (not the Gram matrix suppress_linked works with)."""
    names = sorted({a for c in [*cells, *known] for a in c.terms})
    column = {a: i for i, a in enumerate(names)}

    def vector(terms):
        v = np.zeros(len(names))
        for a, w in terms.items():
            v[column[a]] += w
        return v

    shown = [vector(c.terms) for c in [*cells, *known] if c.key not in hidden]
    if not shown:
        return []
    _, s, vt = np.linalg.svd(np.array(shown), full_matrices=False)
    basis = vt[: int((s > 1e-9 * s.max()).sum())]
    found = []
    targets = [(c.key, vector(c.terms)) for c in cells if c.key in hidden and c.value < k]
    targets += [(("atom", a), vector({a: 1.0})) for a in names if atoms.get(a, k) < k]
    for key, v in targets:
        if np.linalg.norm(v - basis.T @ (basis @ v)) < 1e-8 * np.linalg.norm(v):
            found.append(key)
    return found


def day_and_hours(volumes: list[int]) -> tuple[list[Cell], dict]:
    """One site, one day: the daily total and each hour (the profile of a one-day week)."""
    atoms = {("h", h): float(v) for h, v in enumerate(volumes)}
    cells = [Cell(("day",), dict.fromkeys(atoms, 1.0), float(sum(volumes)))]
    cells += [Cell(("hour", h), {("h", h): 1.0}, float(v)) for h, v in enumerate(volumes)]
    return cells, atoms
