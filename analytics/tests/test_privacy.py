"""k-anonymity: nothing below k is shown, and no subtraction recovers a hidden cell."""

import numpy as np
import pandas as pd
import pytest

from analytics.privacy import Cell, audit, suppress, suppress_linked, suppress_long


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


def test_long_tables():
    od = pd.DataFrame(
        {
            "origin": ["A", "A", "B", "B"],
            "destination": ["A", "B", "A", "B"],
            "trips": [3, 50, 40, 70],
        }
    )
    published = suppress_long(od, row="origin", column="destination", value="trips")
    assert subtraction_attack(published) == {}


# --- figures published together (suppress_linked) -----------------------------------------


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


def test_a_daily_total_beside_its_hours_does_not_give_the_hidden_hour():
    # given: 24 hours, one below k, published with the day's total (the review's attack)
    cells, atoms = day_and_hours([25] * 5 + [12] + [40] * 18)
    primary_only = {("hour", 5)}
    assert ("hour", 5) in determined(cells, primary_only, atoms, 20)  # the attack is real
    assert ("hour", 5) in audit(cells, primary_only, k=20, atoms=atoms)
    # when
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then: a second hour (the smallest) is hidden with it, and nothing below k is determined
    assert linked.primary == {("hour", 5)}
    assert linked.hidden == {("hour", 5), ("hour", 0)}
    assert determined(cells, linked.hidden, atoms, 20) == []


def test_two_overlapping_periods_do_not_give_the_day_between_them():
    # given: days as underlying cells, sums over two windows sharing all but the first day
    days = [12, 30, 33, 31, 28, 35, 40, 26]
    atoms = {("d", i): float(v) for i, v in enumerate(days)}
    cells = [
        Cell(("window", 0, 7), {("d", i): 1.0 for i in range(8)}, float(sum(days))),
        Cell(("window", 1, 7), {("d", i): 1.0 for i in range(1, 8)}, float(sum(days[1:]))),
    ] + [Cell(("day", i), {("d", i): 1.0}, float(v)) for i, v in enumerate(days)]
    assert ("day", 0) in determined(cells, {("day", 0)}, atoms, 20)
    # when
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then
    assert ("day", 0) in linked.hidden
    assert determined(cells, linked.hidden, atoms, 20) == []


def test_an_underlying_cell_below_k_is_protected_though_no_table_shows_it():
    # given: an hour's total over two sites, and a day on which the second site counted only
    # that hour (so its daily total is that hour): the first site's hour is the difference
    atoms = {("x", 1): 2.0, ("x", 2): 411.0, ("x", 3): 300.0}
    cells = [
        Cell(("hour",), {("x", 1): 1.0, ("x", 2): 1.0}, 413.0),
        Cell(("day", 2), {("x", 2): 1.0}, 411.0),
        Cell(("day", 1), {("x", 1): 1.0, ("x", 3): 1.0}, 302.0),
    ]
    assert determined(cells, set(), atoms, 20) == [("atom", ("x", 1))]
    # when
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then: every figure is at least k, yet one is hidden for the underlying cell's sake
    assert linked.primary == set()
    assert len(linked.hidden) == 1
    assert determined(cells, linked.hidden, atoms, 20) == []


def test_figures_already_published_stay_as_they_were_and_new_ones_are_hidden_instead():
    # given: four weeks published (frozen: one hidden, below k, the others shown) and their
    # month to publish now
    weeks = [12, 30, 33, 31]
    atoms = {("w", i): float(v) for i, v in enumerate(weeks)}
    cells = [Cell(("week", i), {("w", i): 1.0}, float(v)) for i, v in enumerate(weeks)]
    month = Cell(("month",), dict.fromkeys(atoms, 1.0), float(sum(weeks)))
    frozen = {("week", 0): True, ("week", 1): False, ("week", 2): False, ("week", 3): False}
    # when
    linked = suppress_linked([*cells, month], k=20, atoms=atoms, frozen=frozen)
    # then: the month, not a week already out, is hidden
    assert linked.hidden == {("week", 0), ("month",)}
    assert determined([*cells, month], linked.hidden, atoms, 20) == []


def test_a_value_that_published_figures_already_give_is_reported_not_looped_on():
    # given: a week below k that was published hidden, but its month and the other week too
    atoms = {("w", 0): 5.0, ("w", 1): 40.0}
    cells = [
        Cell(("week", 0), {("w", 0): 1.0}, 5.0),
        Cell(("week", 1), {("w", 1): 1.0}, 40.0),
        Cell(("month",), dict.fromkeys(atoms, 1.0), 45.0),
    ]
    frozen = {("week", 0): True, ("week", 1): False, ("month",): False}
    # when
    linked = suppress_linked(cells, k=20, atoms=atoms, frozen=frozen)
    # then: nothing can be done about it, and it is said
    assert ("week", 0) in linked.unprotectable


def test_what_the_attacker_knows_is_part_of_the_system():
    # given: two breakdowns of the same people (by home distance, by dwell time), one small
    # cell, and the knowledge that both breakdowns add up to the same total
    atoms = {("o", 1): 5.0, ("o", 2): 60.0, ("d", 1): 40.0, ("d", 2): 25.0}
    cells = [Cell((kind, i), {(kind, i): 1.0}, v) for (kind, i), v in atoms.items()]
    same = [
        Cell(
            ("same people",),
            {a: (1.0 if a[0] == "o" else -1.0) for a in atoms},
            0.0,
        )
    ]
    # when
    alone = suppress_linked(cells, k=20, atoms=atoms)
    together = suppress_linked(cells, k=20, atoms=atoms, known=same)
    # then: alone, hiding the small cell looks enough, but the dwell breakdown minus the other
    # home band gives it back; with the knowledge, more is hidden
    assert alone.hidden == {("o", 1)}
    assert ("o", 1) in determined(cells, alone.hidden, atoms, 20, known=same)
    assert len(together.hidden) > 1
    assert determined(cells, together.hidden, atoms, 20, known=same) == []


def test_a_secondary_cell_that_the_shown_figures_give_anyway_is_shown():
    # given: a row and its total, with one small cell; the total is shown
    atoms = {("x", i): v for i, v in enumerate([5.0, 30.0, 40.0])}
    cells = [Cell(("cell", i), {("x", i): 1.0}, v) for i, v in enumerate([5.0, 30.0, 40.0])]
    cells.append(Cell(("total",), dict.fromkeys(atoms, 1.0), 75.0))
    cells.append(Cell(("pair",), {("x", 1): 1.0, ("x", 2): 1.0}, 70.0))
    # when
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then: the small cell is hidden with a partner, and nothing shown was hidden for nothing
    assert determined(cells, linked.hidden, atoms, 20) == []
    for key in linked.hidden - linked.primary:
        assert key not in determined(cells, linked.hidden, atoms, 20)


@pytest.mark.parametrize("seed", range(1, 8))  # seeds where primary suppression alone leaks
def test_random_linked_tables_leak_nothing(seed):
    # given: sites x days x hours with small hours, published as daily totals per site,
    # totals per site, hourly totals over the sites per day, and the weekday-hour mean over a
    # longer period, each hour of a few sites missing (so the means' divisors differ)
    rng = np.random.default_rng(seed)
    sites, days, hours = 3, 8, 6
    volume = rng.poisson(rng.uniform(1, 30, size=(sites, 1, hours)), size=(sites, days, hours))
    present = rng.random((sites, days, hours)) > 0.08
    atoms = {
        (s, d, h): float(volume[s, d, h])
        for s in range(sites)
        for d in range(days)
        for h in range(hours)
        if present[s, d, h]
    }
    cells = []
    for s in range(sites):
        for d in range(days):
            terms = {a: 1.0 for a in atoms if a[:2] == (s, d)}
            if terms:
                cells.append(Cell(("day", s, d), terms, sum(atoms[a] for a in terms)))
        terms = {a: 1.0 for a in atoms if a[0] == s}
        cells.append(Cell(("site", s), terms, sum(atoms[a] for a in terms)))
    for d in range(days):
        for h in range(hours):
            terms = {a: 1.0 for a in atoms if a[1:] == (d, h)}
            if terms:
                cells.append(Cell(("hour", d, h), terms, sum(atoms[a] for a in terms)))
    for h in range(hours):  # mean over the days of each site, summed over sites
        terms, value = {}, 0.0
        for s in range(sites):
            mine = [a for a in atoms if a[0] == s and a[2] == h]
            terms.update({a: 1.0 / len(mine) for a in mine})
            value += sum(atoms[a] for a in mine) / len(mine)
        cells.append(Cell(("mean", h), terms, value))
    primary_only = {c.key for c in cells if c.value < 20}
    assert determined(cells, primary_only, atoms, 20)  # primary suppression alone leaks
    # when
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then: nothing shown is below k and nothing below k is determined
    assert all(c.value >= 20 for c in cells if c.key not in linked.hidden)
    assert determined(cells, linked.hidden, atoms, 20) == []
    assert linked.unprotectable == []
