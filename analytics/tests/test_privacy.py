"""k-anonymity: nothing below k is shown, and no subtraction recovers a hidden cell."""

import numpy as np
import pandas as pd
import pytest

from analytics.privacy import suppress, suppress_long, suppress_small


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


def test_cells_below_k_are_hidden_and_cannot_be_recovered_by_subtraction():
    # given a table with one small cell
    table = pd.DataFrame([[50, 5, 30], [40, 60, 25], [33, 44, 55]], index=list("abc"))
    # when it is published with its totals
    published = suppress(table, k=20)
    # then the small cell is hidden, totals are shown, and subtraction recovers nothing
    assert pd.isna(published.values.iloc[0, 1])
    assert published.grand_total == table.to_numpy().sum()
    assert subtraction_attack(published) == {}
    assert linear_attack(published, table.to_numpy()) == []


def test_without_secondary_suppression_the_attack_would_work():
    # given the same table with only the small cell hidden (what a naive export would do)
    table = pd.DataFrame([[50, 5, 30], [40, 60, 25], [33, 44, 55]], index=list("abc"))
    published = suppress(table, k=20)
    naive = published.values.copy()
    naive[:] = table.to_numpy().astype(float)
    naive.iloc[0, 1] = np.nan
    published.values = naive
    # when the attacker subtracts / then the hidden 5 comes out: the attack is real
    assert subtraction_attack(published)[(0, 1)] == 5


@pytest.mark.parametrize("seed", range(8))
def test_random_tables_leak_nothing(seed):
    # given sparse random OD-like tables with many small cells
    rng = np.random.default_rng(seed)
    truth = rng.poisson(35, (9, 7)) * (rng.random((9, 7)) > 0.15)
    table = pd.DataFrame(truth)
    # when published
    published = suppress(table, k=20)
    # then nothing shown is below k and no hidden cell can be computed
    shown = published.values.to_numpy()
    assert np.all(np.isnan(shown) | (shown >= 20))
    assert np.all(np.isnan(published.row_totals) | (published.row_totals >= 20))
    assert np.isnan(shown[truth < 20]).all()
    assert subtraction_attack(published) == {}
    assert linear_attack(published, truth) == []


def test_a_small_total_is_hidden_too():
    # given a row whose total is below k although it has several cells
    table = pd.DataFrame([[4, 5, 3], [40, 60, 25], [33, 44, 55]])
    published = suppress(table, k=20)
    # then the row total is hidden and still not recoverable from the grand total
    assert np.isnan(published.row_totals.iloc[0])
    assert subtraction_attack(published) == {}


def test_long_tables_and_lists_without_totals():
    od = pd.DataFrame(
        {
            "origin": ["A", "A", "B", "B"],
            "destination": ["A", "B", "A", "B"],
            "trips": [3, 50, 40, 70],
        }
    )
    published = suppress_long(od, row="origin", column="destination", value="trips")
    assert subtraction_attack(published) == {}
    listed = suppress_small(od, value="trips")
    assert listed.trips.tolist() == [None, 50, 40, 70]
