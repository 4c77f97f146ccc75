"""k-anonymity of one table: nothing below k is shown, and no subtraction recovers a hidden
cell (suppress, suppress_long, recoverable_cells)."""

import numpy as np
import pandas as pd
import pytest

from analytics.privacy import (
    Cell,
    audit,
    recoverable_cells,
    suppress,
    suppress_linked,
    suppress_long,
)

from .privacy_attacks import linear_attack, subtraction_attack


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
