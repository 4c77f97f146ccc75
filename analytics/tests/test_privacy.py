"""k-anonymity: nothing below k is shown, and no subtraction recovers a hidden cell."""

import numpy as np
import pandas as pd
import pytest

from analytics.privacy import (
    Cell,
    Linked,
    audit,
    recoverable_cells,
    suppress,
    suppress_linked,
    suppress_long,
)


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
    # then: nothing can be done about it, and it is said, once for the figure and once for its
    # underlying cell (month - week 1 gives both); the week stays hidden as it was published
    assert linked.unprotectable == [("week", 0), ("atom", ("w", 0))]
    assert linked.hidden == {("week", 0)}


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


# --- values worked out by hand ------------------------------------------------------------------


def test_one_small_cell_hides_a_cycle_of_six_and_every_total_stays():
    # given a 3 x 3 table whose cell (a, 1) = 5 is below k = 20; row totals 85, 125, 132, column
    # totals 123, 109, 110, grand total 342
    table = pd.DataFrame([[50, 5, 30], [40, 60, 25], [33, 44, 55]], index=list("abc"))
    # when it is suppressed
    published = suppress(table, k=20)
    # then, line by line (each line with one hidden cell hides the smallest visible interior
    # cell sharing a line with it): row a hides (a, 2) = 30, column 1 hides (c, 1) = 44,
    # column 2 hides (b, 2) = 25; then row b hides (b, 0) = 40 and row c (c, 0) = 33. The six
    # hidden cells form a cycle (a1 c1 c0 b0 b2 a2): +x and -x around it keeps every total, so
    # none can be recovered, and every total is published
    assert published.to_records() == [
        {"row": "a", "column": 0, "value": 50},
        {"row": "a", "column": 1, "value": None},
        {"row": "a", "column": 2, "value": None},
        {"row": "b", "column": 0, "value": None},
        {"row": "b", "column": 1, "value": 60},
        {"row": "b", "column": 2, "value": None},
        {"row": "c", "column": 0, "value": None},
        {"row": "c", "column": 1, "value": None},
        {"row": "c", "column": 2, "value": 55},
    ]
    assert published.row_totals.tolist() == [85, 125, 132]
    assert published.column_totals.tolist() == [123, 109, 110]
    assert published.grand_total == 342
    assert np.argwhere(published.primary).tolist() == [[0, 1]]
    assert np.argwhere(published.secondary).tolist() == [[0, 2], [1, 0], [1, 2], [2, 0], [2, 1]]


def test_a_small_row_total_hides_its_row_and_the_smallest_total_beside_it():
    # given a row of 5 + 6 = 11 < 20 (so its total too) above a row of 30 + 40 = 70
    table = pd.DataFrame([[5, 6], [30, 40]], index=["x", "y"], columns=["p", "q"])
    # when it is suppressed
    published = suppress(table, k=20)
    # then columns p and q hide (y, p) and (y, q), the interior cells below; the column of row
    # totals hides 70, the smaller of the two totals left (70 < 81): the two rows could be
    # swapped for any values with the same column totals, so nothing is recovered. Only the
    # column totals 35, 46 and the grand total 81 are published
    assert published.values.isna().all().all()
    assert published.row_totals.isna().all()
    assert published.column_totals.tolist() == [35, 46]
    assert published.grand_total == 81
    assert np.argwhere(published.primary).tolist() == [[0, 0], [0, 1], [0, 2]]
    assert np.argwhere(published.secondary).tolist() == [[1, 0], [1, 1], [1, 2]]


def test_a_long_table_is_summed_by_pair_and_a_missing_pair_counts_zero():
    # given trips from A to X twice (30 + 15), A to Y 40, B to Y 50, and none from B to X
    trips = pd.DataFrame(
        {"origin": ["A", "A", "A", "B"], "dest": ["X", "X", "Y", "Y"], "trips": [30, 15, 40, 50]}
    )
    # when the OD matrix is suppressed
    published = suppress_long(trips, row="origin", column="dest", value="trips", k=20)
    # then B -> X = 0 is below 20: row B hides B -> Y (50 < the total), column X hides A -> X
    # (45, interior first), then row A hides A -> Y: the four cells, none recoverable, and the
    # totals 85, 50 / 45, 90 / 135 shown
    assert [r["value"] for r in published.to_records()] == [None] * 4
    assert [(r["row"], r["column"]) for r in published.to_records()] == [
        ("A", "X"),
        ("A", "Y"),
        ("B", "X"),
        ("B", "Y"),
    ]
    assert published.row_totals.to_dict() == {"A": 85, "B": 50}
    assert published.column_totals.to_dict() == {"X": 45, "Y": 90}
    assert published.grand_total == 135


@pytest.mark.parametrize(
    ("hidden", "recoverable"),
    [
        # three cells of a 2 x 2 table: each line with one of them gives it
        ([(0, 0), (0, 1), (1, 0)], [(0, 0), (0, 1), (1, 0)]),
        # the four: x, -x, -x, x keeps every total, nothing given
        ([(0, 0), (0, 1), (1, 0), (1, 1)], []),
        # a cell and its row's total: the column gives the cell, then the row its total
        ([(0, 0), (0, 2)], [(0, 0), (0, 2)]),
    ],
)
def test_recoverable_cells_of_a_2_by_2_table_with_its_totals(hidden, recoverable):
    mask = np.zeros((3, 3), dtype=bool)
    mask[tuple(zip(*hidden, strict=True))] = True
    assert recoverable_cells(mask) == recoverable


def test_a_cell_alone_on_its_lines_is_recoverable_beside_a_safe_rectangle():
    # given a 3 x 3 table hiding the rectangle a0 a1 b0 b1 and c2
    mask = np.zeros((4, 4), dtype=bool)
    mask[[0, 0, 1, 1, 2], [0, 1, 0, 1, 2]] = True
    # then c2, alone in row c, is recoverable; the rectangle is not
    assert recoverable_cells(mask) == [(2, 2)]


def test_the_audit_names_what_the_published_figures_give_below_k():
    # given underlying cells a = 4, b = 6 and c = 30 (k = 10), published: c, the total a+b+c,
    # and hidden: the mean of a and b (5), their sum (10, not below k)
    cells = [
        Cell("mean_ab", {"a": 0.5, "b": 0.5}, 5),
        Cell("sum_ab", {"a": 1, "b": 1}, 10),
        Cell("c", {"c": 1}, 30),
        Cell("total", {"a": 1, "b": 1, "c": 1}, 40),
    ]
    atoms = {"a": 4, "b": 6, "c": 30}
    # then total - c gives a + b: the mean (below k) is reported, not the sum (k itself), and
    # neither a nor b alone
    assert audit(cells, {"mean_ab", "sum_ab"}, k=10, atoms=atoms) == ["mean_ab"]


def test_the_audit_names_an_underlying_cell_given_by_subtraction():
    # given a = 4 hidden, b + c = 36 and a + b + c = 40 published, b = 6 below k but not given,
    # and c, which the audit is not told about (unknown: taken as k or more)
    cells = [
        Cell("a", {"a": 1}, 4),
        Cell("rest", {"b": 1, "c": 1}, 36),
        Cell("total", {"a": 1, "b": 1, "c": 1}, 40),
    ]
    # then a is given, as a figure and as an underlying cell
    assert audit(cells, {"a"}, k=10, atoms={"a": 4, "b": 6}) == ["a", ("atom", "a")]
    # and nothing once the total is hidden too
    assert audit(cells, {"a", "total"}, k=10, atoms={"a": 4, "b": 6}) == []


def test_a_value_of_exactly_k_is_published_and_a_small_grand_total_is_not():
    # given a cell of exactly k = 20 beside cells of 30 and more
    table = pd.DataFrame([[20, 30], [40, 50]])
    # then nothing is hidden: k itself is not below k
    assert not suppress(table, k=20).values.isna().any().any()
    # and a table of 3 + 4 + 5 + 6 = 18 people publishes nothing, its total neither
    small = suppress(pd.DataFrame([[3, 4], [5, 6]]), k=20)
    assert small.values.isna().all().all() and small.grand_total is None
    # and the same for linked figures: a = 20, b = 30 and their total are all shown, and the
    # audit finds nothing below k
    cells = [Cell("a", {"a": 1}, 20), Cell("b", {"b": 1}, 30), Cell("ab", {"a": 1, "b": 1}, 50)]
    linked = suppress_linked(cells, k=20, atoms={"a": 20, "b": 30})
    assert (linked.hidden, linked.primary, linked.unprotectable) == (set(), set(), [])
    assert audit(cells, set(), k=20, atoms={"a": 20, "b": 30}) == []


def test_a_long_table_takes_the_k_it_is_given():
    trips = pd.DataFrame(
        {"origin": ["A", "A", "A", "B"], "dest": ["X", "X", "Y", "Y"], "trips": [30, 15, 40, 50]}
    )
    # when k = 50: A -> X 45, A -> Y 40, B -> X 0 and the column total of X (45) are below it;
    # row B hides B -> Y (50), the row of column totals hides Y's (90, the only one left): the
    # four cells and both column totals, while the row totals 85, 50 and 135 give no cell
    published = suppress_long(trips, row="origin", column="dest", value="trips", k=50)
    assert published.values.isna().all().all()
    assert published.column_totals.isna().all()
    assert published.row_totals.to_dict() == {"A": 85, "B": 50}
    assert published.grand_total == 135


def test_nothing_to_publish_hides_nothing():
    # given no figure at all (a period without data), or figures over no underlying cell
    # when suppressed / then nothing is hidden and nothing reported (it raised a TypeError: the
    # hidden mask of no figure was a float array)
    assert suppress_linked([], atoms={}) == Linked(hidden=set(), primary=set())
    empty = [Cell("none", {}, 0.0)]
    assert suppress_linked(empty, atoms={}) == Linked(hidden=set(), primary=set())


# --- the greedy suppression's paths, worked out by hand -----------------------------------------


def test_a_cell_between_two_hidden_rectangles_is_found_by_the_audit_and_hidden_with_a_partner():
    # given a 4 x 4 table (k = 20) with three small cells: (0, 0) = 5, (0, 2) = 10, (2, 2) = 5
    table = pd.DataFrame([[5, 30, 10, 90], [25, 35, 95, 90], [90, 90, 5, 25], [90, 90, 35, 30]])
    # when it is suppressed
    published = suppress(table, k=20)
    # then the line rule (each line with one hidden cell hides the smallest visible interior
    # cell on the lines of that cell) hides, pass 1: row 2 → (2, 3) = 25, column 0 → (1, 0) = 25,
    # column 3 → (3, 3) = 30; pass 2: row 1 → (1, 1) = 35, row 3 → (3, 2) = 35, column 1 →
    # (0, 1) = 30. Every line now has 0 or at least 2 hidden cells, yet (0, 2) is given: rows 0
    # and 1 minus columns 0 and 1 leave it alone (the rectangle (0, 0) (0, 1) (1, 0) (1, 1)
    # cancels out), the line rule cannot see it
    line_rule = np.zeros((5, 5), dtype=bool)
    line_rule[[0, 0, 0, 1, 1, 2, 2, 3, 3], [0, 1, 2, 0, 1, 2, 3, 2, 3]] = True
    assert recoverable_cells(line_rule) == [(0, 2)]
    # and the audit hides its smallest visible partner, (0, 3) = 90 (before (1, 2) = 95): row 0
    # is hidden whole, (0, 2) and (0, 3) now lie on a cycle through the second rectangle, and
    # every total is still published
    assert published.values.isna().to_numpy().tolist() == [
        [True, True, True, True],
        [True, True, False, False],
        [False, False, True, True],
        [False, False, True, True],
    ]
    assert published.row_totals.tolist() == [135, 245, 210, 245]
    assert published.column_totals.tolist() == [210, 245, 145, 235]
    assert published.grand_total == 835
    assert np.argwhere(published.primary).tolist() == [[0, 0], [0, 2], [2, 2]]
    assert recoverable_cells(published.primary | published.secondary) == []
    assert subtraction_attack(published) == {}


def test_a_partner_is_an_interior_cell_even_when_a_total_is_smaller():
    # given a 2 x 2 table (k = 20): a: 30, 5 (total 35); b: 0, 20 (total 20); columns 30, 25
    table = pd.DataFrame([[30, 5], [0, 20]], index=["a", "b"])
    # when it is suppressed
    published = suppress(table, k=20)
    # then row a hides (b, 1) = 20 for (a, 1) = 5 (the smallest interior cell on its row and
    # column); column 0 hides (a, 0) = 30 for (b, 0) = 0 though b's total, 20, is smaller: an
    # interior cell first. The four cells are hidden (x, -x, -x, x keeps every total), every
    # total is shown
    assert published.values.isna().all().all()
    assert published.row_totals.tolist() == [35, 20]
    assert published.column_totals.tolist() == [30, 25]
    assert published.grand_total == 55
    assert np.argwhere(published.secondary).tolist() == [[0, 0], [1, 1]]


def test_a_column_of_two_rows_keeps_its_total():
    # given one column, a = 5 and b = 35 (k = 20): the augmented table has three rows (a, b,
    # the totals) and two columns (the cell, the row total, equal to it)
    table = pd.DataFrame([[5], [35]], index=["a", "b"])
    # when it is suppressed
    published = suppress(table, k=20)
    # then a and its row total (5) are primary; the column hides b = 35 (an interior cell, not
    # the column total 40), the column of row totals hides b's total 35 (smaller than 40):
    # a + b = 40 with both hidden gives neither, and the column total stays published
    assert published.values.isna().all().all()
    assert published.row_totals.isna().all()
    assert published.column_totals.tolist() == [40]
    assert published.grand_total == 40
    assert np.argwhere(published.secondary).tolist() == [[1, 0], [1, 1]]


def test_a_row_with_one_small_cell_hides_the_smallest_other_cell():
    # given one row 5, 40, 25 (total 70, k = 20): each column total equals its cell
    table = pd.DataFrame([[5, 40, 25]], columns=["p", "q", "r"])
    # when it is suppressed
    published = suppress(table, k=20)
    # then the row hides 25 for the 5 (the smaller of 40 and 25), and the row of column totals
    # hides r's (25) for p's (5): 5 + 25 = 30 with both hidden gives neither; 40 and 70 stay
    assert [r["value"] for r in published.to_records()] == [None, 40, None]
    assert published.column_totals.isna().tolist() == [True, False, True]
    assert published.row_totals.tolist() == [70]
    assert published.grand_total == 70


def test_of_two_equal_partners_the_first_on_the_line_is_hidden():
    # given one row 0, 50 (k = 20): the column totals are 0 and 50, the row total and the
    # grand total 50
    table = pd.DataFrame([[0, 50]])
    # when it is suppressed
    published = suppress(table, k=20)
    # then the row hides 50 for the 0 (an interior cell before its total, both 50); the row of
    # column totals hides the 50 of column 1 for the 0 of column 0, not the grand total, also
    # 50: on a tie the first cell of the line. The row total and the grand total stay (0 + 50 =
    # 50 with both cells hidden gives neither)
    assert published.values.isna().all().all()
    assert published.column_totals.isna().all()
    assert published.row_totals.tolist() == [50]
    assert published.grand_total == 50


def test_the_audit_names_nothing_when_nothing_is_published_and_a_lone_figure_below_k():
    # given one figure, a = 5 below k = 20, and beside it the total a + b = 40
    cells = [Cell("a", {"a": 1}, 5), Cell("ab", {"a": 1, "b": 1}, 40)]
    # then with both hidden nothing is published, so nothing is given
    assert audit(cells, {"a", "ab"}, k=20, atoms={"a": 5}) == []
    # and a published alone gives its underlying cell, named as such
    assert audit(cells[:1], set(), k=20, atoms={"a": 5}) == [("atom", "a")]


def test_the_audit_does_not_take_half_of_a_mean_for_the_mean():
    # given a = 30 published and the mean of a and b, (30 + 6) / 2 = 18 < 20, hidden
    cells = [Cell("a", {"a": 1}, 30), Cell("mean_ab", {"a": 0.5, "b": 0.5}, 18)]
    # then a gives half the mean; the other half, b / 2, is not published: nothing is given,
    # neither the mean nor b = 6
    assert audit(cells, {"mean_ab"}, k=20, atoms={"a": 30, "b": 6}) == []


def test_a_figure_that_counts_one_cell_twice_is_hidden_though_it_is_k_or_more():
    # given one figure counting each vehicle twice (in and out): 2 x 12 = 24 >= k = 20
    cells = [Cell("both ways", {"x": 2.0}, 24.0)]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms={"x": 12.0})
    # then it is hidden (secondary, for the underlying 12 = 24 / 2), and nothing is given
    assert (linked.hidden, linked.primary, linked.unprotectable) == ({"both ways"}, set(), [])
    assert determined(cells, linked.hidden, {"x": 12.0}, 20) == []


def test_an_underlying_cell_not_listed_is_taken_as_k_or_more():
    # given the total a + b = 35 and a = 30, with only b = 5 listed among the underlying cells
    cells = [Cell("total", {"a": 1.0, "b": 1.0}, 35.0), Cell("a", {"a": 1.0}, 30.0)]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms={"b": 5.0})
    # then total - a gives b: the smaller of the two, a (30), is hidden; a itself is not
    # protected (its value is not given, so taken as k or more)
    assert (linked.hidden, linked.primary, linked.unprotectable) == ({"a"}, set(), [])


def test_a_day_given_twice_does_not_make_its_hour_recoverable_at_the_end():
    # given one day of two hours, 3 h = 5 (below k = 20) and 14 h = 20, published as the day
    # in the daily table (25), the same day in the weekly profile (25) and the hour 14 (20)
    atoms = {("h", 3): 5.0, ("h", 14): 20.0}
    cells = [
        Cell(("daily",), dict.fromkeys(atoms, 1.0), 25.0),
        Cell(("profile",), dict.fromkeys(atoms, 1.0), 25.0),
        Cell(("hour", 14), {("h", 14): 1.0}, 20.0),
    ]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then the day minus the hour 14 gives the hour 3: the hour 14 (20, smaller than 25) is
    # hidden; the only relation, daily - profile = 0, does not involve it, so it stays hidden
    assert (linked.hidden, linked.primary, linked.unprotectable) == ({("hour", 14)}, set(), [])
    assert determined(cells, linked.hidden, atoms, 20) == []


def test_a_figure_the_attacker_knows_is_reported_once_and_stays_hidden():
    # given an hour of 4 vehicles (k = 20) that the operator's open data already gives
    cells = [Cell(("hour", 3), {"x": 1.0}, 4.0)]
    known = [Cell(("open data",), {"x": 1.0}, 4.0)]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms={"x": 4.0}, known=known)
    # then it is hidden (primary) and reported, the figure then its underlying cell, once
    # each: nothing can be hidden to protect them; hidden it stays, though it tells nothing
    assert linked.hidden == linked.primary == {("hour", 3)}
    assert linked.unprotectable == [("hour", 3), ("atom", "x")]


def test_a_figure_published_below_k_before_the_rule_is_reported_once():
    # given a figure shown in an earlier publication: 2 x 3 = 6 (each vehicle counted twice)
    cells = [Cell("earlier", {"x": 2.0}, 6.0)]
    # when suppressed with it frozen as shown
    linked = suppress_linked(cells, k=20, atoms={"x": 3.0}, frozen={"earlier": False})
    # then it stays shown, and its underlying cell (3) is reported once, as an underlying cell
    assert (linked.hidden, linked.primary) == (set(), set())
    assert linked.unprotectable == [("atom", "x")]


def test_a_figure_of_exactly_k_hidden_before_may_now_be_given():
    # given two weeks published earlier, the first (20, exactly k) hidden, the second (35)
    # shown, and their month (55) to publish now
    atoms = {"w0": 20.0, "w1": 35.0}
    cells = [
        Cell("week 0", {"w0": 1.0}, 20.0),
        Cell("week 1", {"w1": 1.0}, 35.0),
        Cell("month", dict.fromkeys(atoms, 1.0), 55.0),
    ]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms=atoms, frozen={"week 0": True, "week 1": False})
    # then month - week 1 gives week 0, but 20 is not below k: the month is published
    assert (linked.hidden, linked.primary, linked.unprotectable) == ({"week 0"}, set(), [])


def test_a_secondary_figure_that_an_earlier_one_gives_is_shown_again():
    # given an hour of 30 vehicles over two days: its mean per day (15, below k = 20) was
    # published before the rule (frozen, shown); now the same mean and the two days' sum (30)
    cells = [
        Cell("mean", {"x": 0.5}, 15.0),
        Cell("sum", {"x": 1.0}, 30.0),
        Cell("earlier mean", {"x": 0.5}, 15.0),
    ]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms={"x": 30.0}, frozen={"earlier mean": False})
    # then the new mean is hidden (primary) but the earlier one gives it: it is reported. The
    # sum, hidden on the way as the smallest hideable figure of a combination giving the mean,
    # is 2 x the earlier mean anyway: shown again at the end
    assert (linked.hidden, linked.primary) == ({"mean"}, {"mean"})
    assert linked.unprotectable == ["mean"]


def test_the_figures_hidden_do_not_depend_on_the_order_they_are_given_in():
    # given a day (65) of three hours, 8 h = 5 (below k = 20), 9 h = 30 and 10 h = 30
    volumes = {8: 5.0, 9: 30.0, 10: 30.0}
    cells = [Cell(("day",), dict.fromkeys(volumes, 1.0), 65.0)]
    cells += [Cell(("hour", h), {h: 1.0}, v) for h, v in volumes.items()]
    # when suppressed with the hours in either order
    forward = suppress_linked(cells, k=20, atoms=volumes)
    backward = suppress_linked(cells[:1] + cells[:0:-1], k=20, atoms=volumes)
    # then the day minus the hours 9 and 10 gives the hour 8: one of the two hours of 30 is
    # hidden with it, the same one both times (on a tie, the smaller key as written: "('hour',
    # 10)" sorts before "('hour', 9)")
    assert forward.hidden == backward.hidden == {("hour", 8), ("hour", 10)}
    assert determined(cells, forward.hidden, volumes, 20) == []


def test_a_mean_over_many_days_weighs_as_much_as_a_sum_over_many():
    # given 400 days of 10 vehicles each (k = 20): the mean of the first 200 (10, below k) and
    # the sum of the other 200 (2000). As vectors over the days their lengths differ by a factor
    # 200 x 200 (1/200 per day against 1 per day): each is taken as a unit vector, or the mean
    # would look like no figure at all beside the sum
    days = {("d", i): 10.0 for i in range(400)}
    mean = Cell("mean", {("d", i): 1 / 200 for i in range(200)}, 10.0)
    total = Cell("sum", {("d", i): 1.0 for i in range(200, 400)}, 2000.0)
    # when suppressed
    linked = suppress_linked([mean, total], k=20, atoms=days)
    # then the mean is hidden (primary) and nothing gives it: no figure shares its days
    assert (linked.hidden, linked.primary, linked.unprotectable) == ({"mean"}, {"mean"}, [])


def test_a_figure_that_gives_a_small_cell_only_with_a_hidden_one_is_not_hidden_for_it():
    # given three hours of a site, 7 h = 50, 8 h = 50, 9 h = 5 (k = 20), published as 8 h, 9 h,
    # 7-9 h (105), 7-8 h (100) and 7 h + 9 h (55)
    atoms = {7: 50.0, 8: 50.0, 9: 5.0}
    cells = [
        Cell("8", {8: 1.0}, 50.0),
        Cell("7-9", {7: 1.0, 8: 1.0, 9: 1.0}, 105.0),
        Cell("9", {9: 1.0}, 5.0),
        Cell("7-8", {7: 1.0, 8: 1.0}, 100.0),
        Cell("7+9", {7: 1.0, 9: 1.0}, 55.0),
    ]
    # when suppressed
    linked = suppress_linked(cells, k=20, atoms=atoms)
    # then 9 h (primary) is given by 7-9 - 7-8 and by 7-9 - 7+9 - 8; the combination of least
    # weight mixes both (7-9, 7-8, 7+9 and 8 take part), and its smallest figure, 8 h (50), is
    # hidden. 7-9 - 7-8 still gives 9 h without any hidden figure: of these two, 7-8 (100) is
    # hidden, not 7+9 (55), which gives 9 h only with the hidden 8 h. Then nothing below k is
    # given, and 8 h, which 7-9 - 7+9 gives anyway, is shown again
    assert (linked.hidden, linked.primary, linked.unprotectable) == ({"9", "7-8"}, {"9"}, [])
    assert determined(cells, linked.hidden, atoms, 20) == []
