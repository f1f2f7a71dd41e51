"""Weight sensitivity on a case small enough to solve by hand (scoring/sensitivity.py).

Four themes, two criteria, weights 0.5/0.5. With v the weight of criterion 0 the scores are
A = 10 + 80v, B = 80 - 70v, C = 36 + 24v, D = 40: at v = 0.5 the top three is {A, B, C}.
D passes A below v = 0.375 and B above v = 4/7 = 0.571, so on the 0.01 grid the top three changes
first at v = 0.37 (a decrease of 0.13) and at v = 0.58 (an increase of 0.08).
"""

from __future__ import annotations

import numpy as np

from ivp_pipeline.scoring.sensitivity import moved_weights, rank_ranges, weight_sensitivity

SCALED = np.array([[90.0, 10.0], [10.0, 80.0], [60.0, 36.0], [40.0, 40.0]])
THEMES = ["a", "b", "c", "d"]
WEIGHTS = np.array([0.5, 0.5])


def test_moved_weights_keep_proportions_and_sum_to_one() -> None:
    w = moved_weights(np.array([0.2, 0.3, 0.5]), 0, np.array([0.0, 0.6]))
    np.testing.assert_allclose(w, [[0.0, 0.375, 0.625], [0.6, 0.15, 0.25]])


def test_smallest_weight_change_that_changes_the_top_three() -> None:
    first, second = weight_sensitivity(SCALED, WEIGHTS, THEMES, ["x", "y"], top_n=3)
    assert (first.criterion, first.weight, first.down, first.up) == ("x", 0.5, 0.13, 0.08)
    # at v = 0.37: A 39.6 < D 40; at v = 0.58: B 39.4 < D 40
    assert first.top_down == ("b", "c", "d")
    assert first.top_up == ("a", "c", "d")
    # the other criterion moves the same scores the other way: y = 1 - v
    assert (second.down, second.up) == (0.08, 0.13)
    assert second.top_down == ("a", "c", "d")


def test_no_change_is_none() -> None:
    firm = np.array([[90.0, 90.0], [80.0, 80.0], [70.0, 70.0], [10.0, 10.0]])
    (ch, _) = weight_sensitivity(firm, WEIGHTS, THEMES, ["x", "y"], top_n=3)
    assert ch.down is None and ch.up is None and ch.top_down == () and ch.top_up == ()


def test_unknown_criterion_counts_as_neutral_50_and_ties_share_the_top() -> None:
    # D unknown on criterion 0 scores 50v + 40(1 - v) = 40 + 10v: at v = 0.5 B and D tie at 45 and
    # share rank 3, so the top three holds four themes; any move of 0.01 breaks the tie.
    scaled = SCALED.copy()
    scaled[3, 0] = np.nan
    (ch, _) = weight_sensitivity(scaled, WEIGHTS, THEMES, ["x", "y"], top_n=3)
    assert (ch.down, ch.up) == (0.01, 0.01)
    assert ch.top_down == ("a", "b", "c")
    assert ch.top_up == ("a", "c", "d")


def test_rank_ranges_are_best_and_worst_rank_within_the_spread() -> None:
    now, best, worst = rank_ranges(SCALED, WEIGHTS, spread=0.1)
    # v = 0.5: A 50, B 45, C 48, D 40 -> ranks 1, 3, 2, 4
    np.testing.assert_array_equal(now, [1, 3, 2, 4])
    # v = 0.6: A 58, B 38, C 50.4, D 40 -> B 4th, D 3rd; v = 0.4: A 42, B 52, C 45.6 -> A 3rd
    np.testing.assert_array_equal(best, [1, 1, 2, 3])
    np.testing.assert_array_equal(worst, [3, 4, 2, 4])  # C is 2nd throughout


def test_unscored_theme_has_no_range() -> None:
    scaled = SCALED.copy()
    scaled[2, :] = np.nan
    now, best, worst = rank_ranges(scaled, WEIGHTS)
    assert np.isnan(now[2]) and np.isnan(best[2]) and np.isnan(worst[2])
    assert now[0] == 1


def test_top_changes_are_found_by_mask_as_by_the_sets_of_names() -> None:
    from ivp_pipeline.scoring.sensitivity import _changed, _top

    nan = float("nan")
    rk = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 4.0, 3.0], [nan, 1.0, 2.0, 3.0], [3.0, 3.0, 3.0, 1.0]])
    base = {"a", "b", "c"}
    by_sets = [set(_top(r, THEMES, 3)) != base for r in rk]
    assert by_sets == [False, True, True, True]  # NaN (no score) is never in the top
    assert _changed(rk, THEMES, 3, base).tolist() == by_sets
    # a theme named twice: the sets of names decide ("a" in the top either way)
    twice = ["a", "a", "c", "d"]
    row = np.array([[4.0, 1.0, 2.0, 3.0]])
    assert _changed(row, twice, 3, {"a", "c"}).tolist() == [True]  # {"a", "c", "d"}
    assert _changed(np.array([[4.0, 1.0, 2.0, 5.0]]), twice, 3, {"a", "c"}).tolist() == [False]
