"""k-anonymity of figures published together (suppress_linked, audit): nothing below k is
determined by what is shown, what was shown before, or what the attacker already knows."""

import numpy as np
import pytest

from analytics.privacy import Cell, Linked, audit, suppress_linked

from .privacy_attacks import day_and_hours, determined

# --- figures published together (suppress_linked) -----------------------------------------


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


def test_nothing_to_publish_hides_nothing():
    # given no figure at all (a period without data), or figures over no underlying cell
    # when suppressed / then nothing is hidden and nothing reported (it raised a TypeError: the
    # hidden mask of no figure was a float array)
    assert suppress_linked([], atoms={}) == Linked(hidden=set(), primary=set())
    empty = [Cell("none", {}, 0.0)]
    assert suppress_linked(empty, atoms={}) == Linked(hidden=set(), primary=set())


# --- the greedy suppression's paths for linked figures, worked out by hand ----------------------


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
