"""The vectorised scoring paths give the numbers of the plain ones they replaced (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest

import scoring_fixtures as f
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.model import _sum_by_pair, ranks
from ivp_pipeline.scoring.montecarlo import Batch, interval_rows, stream, uniform_rows
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.stats import binomial_p, poisson_ci, rate_ratio, rate_ratios


def test_binomial_p_for_a_column_equals_binomtest_row_by_row() -> None:
    from scipy.stats import binomtest

    k = np.array([0, 3, 8, 12, 5, 50, 1200, 7])
    n = np.array([7, 40, 10, 12, 10, 100, 2500, 7])
    p = np.array([0.25, 0.2, 0.5, 0.75, 0.5, 1 / 3, 0.47, 0.5])
    got = binomial_p(k, n, p)
    want = [binomtest(int(a), int(b), float(c)).pvalue for a, b, c in zip(k, n, p, strict=True)]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert got[4] == 1.0  # 5 of 10 at p = 0.5: the most likely outcome


def test_rate_ratios_per_column_equal_rate_ratio_per_row() -> None:
    x1, t1 = np.array([3.0, 0.0, 10.0, np.nan, 4.0, 0.0]), np.array([1.0, 2.0, 1.5, 1.0, 0.0, 1.0])
    x0, t0 = np.array([7.0, 5.0, 10.0, 2.0, 1.0, 0.0]), np.array([1.0, 2.0, 1.0, 1.0, 1.0, 1.0])
    ratio, low, high, p = rate_ratios(x1, t1, x0, t0)
    for i in range(len(x1)):
        assert (ratio[i], low[i], high[i], p[i]) == pytest.approx(
            rate_ratio(x1[i], t1[i], x0[i], t0[i]), nan_ok=True
        )
    assert np.isnan(ratio[3]) and np.isnan(p[3]) and np.isnan(p[4])  # unknown count, no exposure
    assert np.isnan(ratio[5]) and p[5] == 1.0  # 0 against 0: nothing to test
    assert low[1] == 0.0 and ratio[1] == 0.0  # 0 against 5: the ratio and its lower end are 0


def test_poisson_interval_is_the_chi_square_garwood_interval() -> None:
    from scipy.stats import chi2

    x = np.array([0.0, 1.0, 4.0, 17.0, 1234.0])
    low, high = poisson_ci(x)
    assert low[0] == 0.0 and high[0] == pytest.approx(3.688879, abs=1e-6)
    assert np.array_equal(low[1:], chi2.ppf(0.025, 2 * x[1:]) / 2)
    assert np.array_equal(high, chi2.ppf(0.975, 2 * x + 2) / 2)


def test_uniform_rows_are_the_rows_of_the_whole_block_and_the_stream_goes_on_the_same() -> None:
    d, n_criteria = 50, 6
    whole, parts = stream(7, "GM0168", "jeugd"), stream(7, "GM0168", "jeugd")
    for rng in (whole, parts):
        rng.integers(0, 4, size=3)  # leaves half of a 32-bit draw in the buffer
    state = parts.bit_generator.state
    block = whole.uniform(0.0, 100.0, size=(n_criteria, d))
    need = np.zeros((n_criteria, 1), dtype=bool)
    need[[1, 4], 0] = True
    empty = np.zeros((d, 0))
    rows = uniform_rows([parts], Batch(empty, empty, empty, empty, [state]), need, d)
    assert sorted(rows) == [(1, 0), (4, 0)]
    assert np.array_equal(rows[(1, 0)], block[1]) and np.array_equal(rows[(4, 0)], block[4])
    # what comes after the block (here a 32-bit draw that uses the buffered half) is unchanged
    assert np.array_equal(parts.integers(0, 4, size=9), whole.integers(0, 4, size=9))
    assert parts.random() == whole.random()


def test_ranks_of_groups_of_different_sizes_with_ties_and_unscored() -> None:
    scores = np.array(
        [
            [10.0, 30.0, 30.0, np.nan, 5.0, 7.0, 7.0000000001],
            [np.nan, np.nan, np.nan, np.nan, 1.0, 2.0, 3.0],
        ]
    )
    groups = [np.array([0, 1, 2, 3]), np.array([6, 4, 5]), np.array([], dtype=np.int64)]
    got = ranks(scores, groups)
    want = np.array(
        [
            [3.0, 1.0, 1.0, np.nan, 3.0, 1.0, 1.0],  # 7 and 7.0000000001 tie after rounding to 9 decimals
            [np.nan, np.nan, np.nan, np.nan, 3.0, 2.0, 1.0],
        ]
    )
    assert np.array_equal(got, want, equal_nan=True)


def test_sum_by_pair_adds_each_pairs_columns_in_column_order() -> None:
    values = np.array([[1.0, 2.0, 3.0, 4.0, 0.1], [5.0, 6.0, 7.0, 8.0, 0.2]])
    pair = np.array([2, 0, 2, 2, 0])
    got = _sum_by_pair(values, pair, 4)
    assert np.array_equal(got[:, 0], values[:, 1] + values[:, 4])
    assert np.array_equal(got[:, 2], (values[:, 0] + values[:, 2]) + values[:, 3])
    assert np.array_equal(got[:, [1, 3]], np.zeros((2, 2)))  # pairs without codes: 0


@pytest.mark.parametrize("n", [2, 3, 41, 2000, 70_001])
def test_interval_rows_are_numpys_percentiles_bit_for_bit(n: int) -> None:
    draws = np.random.default_rng(n).normal(50, 20, size=(5, n)).astype(np.float32)
    draws[3] = np.nan  # never scored: no interval
    draws[4, ::3] = np.nan  # scored in some draws only
    low, high = interval_rows(draws)
    for r in range(3):
        assert low[r] == np.percentile(draws[r], 2.5) and high[r] == np.percentile(draws[r], 97.5)
    assert np.isnan(low[3]) and np.isnan(high[3])
    assert low[4] == np.nanpercentile(draws[4], 2.5) and high[4] == np.nanpercentile(draws[4], 97.5)


def test_simulation_numbers_are_those_of_the_per_pair_loop_it_replaced() -> None:
    """Pinned from the Monte Carlo before issue 13 (a loop over pairs, one (C, D, P) array per batch):
    the vectorised one draws the same streams, so every interval and P(top 3) is unchanged."""
    police, pop = f.synthetic(n_months=36)
    themes = load_catalogue(None).themes
    prof = [
        f.professional_row("NOT", org, f"r{i}", theme, "size", 1 + (i * 7 + j) % 5)
        for i, org in enumerate(("politie", "welzijn", "zorg"))
        for j, theme in enumerate(themes)
    ] + [
        f.professional_row("GM0168", "zorg", "r9", "drugs_alcohol", "size", 2),
        f.professional_row("GM0168", "zorg", "r8", "drugs_alcohol", "size", 5),
    ]
    inputs = f.inputs(police, pop, professional=prof)
    result = compute(inputs, ScoringConfig(draws=2500), load_catalogue(None))  # 3 blocks of draws
    s = result.scores.set_index(["municipality", "profile", "theme"])
    pinned = {
        ("GM0168", "evenwichtig", "drugs_alcohol"): (18.576557159423828, 62.60966873168945, 0.0392),
        ("NOT", "feiten", "woninginbraak"): (50.297420501708984, 73.94009399414062, 0.5092),
        ("GM1774", "evenwichtig", "jeugd"): (36.23822784423828, 76.63496398925781, 0.3112),
    }
    for key, (low, high, p_top) in pinned.items():
        assert s.loc[key, "score_low"] == low and s.loc[key, "score_high"] == high
        assert s.loc[key, "p_top3"] == pytest.approx(p_top, abs=1e-12)
    squares = float((result.rank_probabilities["probability"].fillna(0) ** 2).sum())
    assert squares == pytest.approx(20.65816864, abs=1e-9)
    c = result.criteria
    prof_rows = c[(c["criterion"] == "professionals") & c["raw_low"].notna()]
    assert len(prof_rows) == 70
    assert float(prof_rows["raw_high"].sum()) == pytest.approx(320.44444465637207, abs=1e-9)


def test_threads_do_not_change_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from ivp_pipeline.scoring import montecarlo

    police, pop = f.synthetic(n_months=36)
    inputs, cfg, cat = f.inputs(police, pop), ScoringConfig(draws=2500), load_catalogue(None)
    monkeypatch.setattr(montecarlo, "THREADS", 1)
    alone = compute(inputs, cfg, cat)
    monkeypatch.setattr(montecarlo, "THREADS", 3)  # more threads than the machine may have
    threaded = compute(inputs, cfg, cat)
    assert threaded.scores.equals(alone.scores)
    assert threaded.rank_probabilities.equals(alone.rank_probabilities)
    assert threaded.criteria.equals(alone.criteria)
