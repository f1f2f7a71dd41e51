"""The vectorised scoring paths give the numbers of the plain ones they replaced (issue 13)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import scoring_fixtures as f
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.model import (
    Model,
    _sum_by_pair,
    _sum_codes,
    criteria_arrays,
    ranks,
    weighted_scores,
)
from ivp_pipeline.scoring.montecarlo import PoissonTable, combine, interval_rows, merged_codes, rank_counts
from ivp_pipeline.scoring.montecarlo import poisson as poisson_counts
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import ScoreResult
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


def test_poisson_counts_by_inversion_have_the_poisson_distribution() -> None:
    from scipy.stats import chi2, poisson

    for mean in (0.4, 6.0, 467.0, 250_000.0):
        table = PoissonTable.of(mean)
        k = table.first + np.arange(len(table.cdf))
        # the table is the distribution function, cut where less than 1e-20 lies beyond
        assert np.allclose(table.cdf[:-1], poisson.cdf(k[:-1], mean), rtol=0, atol=1e-15)
        assert poisson.cdf(k[0] - 1, mean) < 1e-20 and poisson.sf(k[-1], mean) < 1e-20
        # inversion: the smallest count whose distribution function exceeds u, at and beside a step
        step = len(table.cdf) // 2
        at = np.array([table.cdf[step], np.nextafter(table.cdf[step], 0.0), 0.0, np.nextafter(1.0, 0.0)])
        assert table.counts(at).tolist() == [
            k[step + 1],
            k[step],
            k[0] if table.cdf[0] > 0 else k[1],
            k[np.argmax(table.cdf > at[3])],
        ]
        counts = poisson_counts(np.random.default_rng(11), np.array([mean]), 200_000)[0]
        values, seen = np.unique(counts, return_counts=True)
        expected = poisson.pmf(values, mean) * len(counts)
        keep = expected > 20
        stat = float(((seen[keep] - expected[keep]) ** 2 / expected[keep]).sum())
        assert chi2.sf(stat, keep.sum() - 1) > 0.001, mean
        assert counts.mean() == pytest.approx(mean, rel=0.01)


def test_codes_with_the_same_weight_are_drawn_as_one_count_of_their_sum() -> None:
    import pandas as pd

    nan2 = np.full(2, np.nan)
    m = Model(
        pairs=pd.DataFrame({"unit": ["GM0168", "GM0168"], "theme": ["jeugd", "geweld"]}),
        code_pair=np.array([0, 0, 0, 1, 1]),
        code_x=np.array([2.0, 7.0, 0.0, 5.0, 3.0]),
        code_w=np.array([3.0, 1.0, 1.0, 1.0, 1.0]),
        x0=nan2,
        py1=np.array([10.0, 10.0]),
        py0=nan2,
        ref_x=nan2,
        ref_py=nan2,
        ind_pair=np.zeros(0, dtype=np.int64),
        ind_value=np.zeros(0),
        ind_comp=np.zeros(0),
        ind_margin=np.zeros(0),
        ind_sign=np.zeros(0),
    )
    merged = merged_codes(m)
    assert merged.code_pair.tolist() == [0, 0, 1]
    assert merged.code_w.tolist() == [1.0, 3.0, 1.0]
    assert merged.code_x.tolist() == [7.0, 2.0, 8.0]
    # the criteria read the codes only through the count and the harm-weighted count of each pair
    before = criteria_arrays(
        m, m.code_x[None, :], m.x0[None, :], m.ind_value[None, :], np.full((1, 2), np.nan)
    )
    after = criteria_arrays(
        merged, merged.code_x[None, :], m.x0[None, :], m.ind_value[None, :], np.full((1, 2), np.nan)
    )
    for name in ("volume", "harm"):
        assert np.allclose(before[name], after[name], rtol=1e-15) and not np.isnan(after[name]).any()


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


def test_sum_by_pair_of_draws_stored_value_by_value_gives_the_same_sums() -> None:
    """The Monte Carlo's draws are (K, D) arrays handed over as their (D, K) transposes: the sums are
    those of the same values stored draw by draw, bit for bit, stored pair by pair."""
    rng = np.random.default_rng(4)
    pair = np.array([0, 0, 0, 2, 3, 3, 3, 3, 3, 3])  # pair 1 has no column; pair 3 has six
    stored = rng.uniform(0, 100, (len(pair), 700)) * rng.uniform(0.1, 9.0, (len(pair), 1))
    view = stored[:, 100:356].T  # (D, K), each column contiguous
    got = _sum_by_pair(view, pair, 4)
    want = _sum_by_pair(np.ascontiguousarray(view), pair, 4)
    assert got.shape == (256, 4) and got.T.flags.c_contiguous
    assert np.array_equal(got, want)
    assert np.array_equal(got[:, 1], np.zeros(256))
    assert np.array_equal(
        got[:, 3], ((((view[:, 4] + view[:, 5]) + view[:, 6]) + view[:, 7]) + view[:, 8]) + view[:, 9]
    )


def test_code_sums_of_draws_are_the_two_sums_by_pair_bit_for_bit() -> None:
    """The counts and harm-weighted counts of a block of draws (stored code by code) in one sweep:
    the sums of `_sum_by_pair`, bit for bit, with pairs without codes 0 in both."""
    rng = np.random.default_rng(5)
    pair = np.array([0, 0, 2, 3, 3, 3, 5])  # pairs 1 and 4 have no code; pair 3 has three
    weight = np.array([1.0, 7.3, 2.5, 0.3, 11.0, 1.7, 4.0])
    stored = rng.poisson(rng.uniform(0.5, 400.0, (len(pair), 1)), (len(pair), 900)).astype(float)
    view = stored[:, 300:556].T  # (D, K), each code's draws contiguous: the Monte Carlo's layout
    counts, harm = _sum_codes(view, weight, pair, 6)
    assert counts.shape == harm.shape == (256, 6) and counts.T.flags.c_contiguous
    assert np.array_equal(counts, _sum_by_pair(view, pair, 6))
    assert np.array_equal(harm, _sum_by_pair(view * weight, pair, 6))
    assert np.array_equal(harm[:, 3], (view[:, 3] * 0.3 + view[:, 4] * 11.0) + view[:, 5] * 1.7)
    assert not counts[:, [1, 4]].any() and not harm[:, [1, 4]].any()
    # the point estimate's one row of observed counts takes the two sums themselves
    one, one_harm = _sum_codes(stored[:, :1].T, weight, pair, 6)
    assert np.array_equal(one, _sum_by_pair(stored[:, :1].T, pair, 6))
    assert np.array_equal(one_harm, _sum_by_pair(stored[:, :1].T * weight, pair, 6))


def test_rank_counts_pair_by_pair_count_the_ranks_of_model_ranks() -> None:
    """rank_counts of (P, D) scores is the histogram of model.ranks over the draws: ties after
    rounding to 9 decimals share the better rank, unscored pairs have none, groups differ in size."""
    rng = np.random.default_rng(8)
    d = 300
    scores = np.round(rng.uniform(0, 100, (d, 9)), 0)  # whole numbers: many ties
    scores[:, 3] = np.nan  # never scored
    scores[::4, 8] = np.nan  # scored in some draws only
    scores[:, 6] = scores[:, 5] + 4e-10  # equal after rounding to 9 decimals
    scores[:, 7] = scores[:, 5] + 6e-10  # not equal
    groups = [np.array([0, 1, 2, 3]), np.array([8, 5, 6, 7, 4]), np.array([], dtype=np.int64)]
    got = rank_counts(np.ascontiguousarray(scores.T), groups, 5)
    r = ranks(scores, groups)
    want = np.array([[np.sum(r[:, p] == k) for k in range(1, 6)] for p in range(9)], dtype=float)
    assert np.array_equal(got, want)
    assert got[3].sum() == 0 and got[8].sum() == d - 75 and got[0].sum() == d
    assert np.array_equal(got[6], got[5]) and not np.array_equal(got[7], got[5])
    assert got[7, 0] == np.sum(scores[:, 7] >= np.fmax(scores[:, 4], np.nan_to_num(scores[:, 8], nan=-1)))


def test_combine_is_weighted_scores_with_the_fills_bit_for_bit() -> None:
    """combine (pair by pair, in place, zero-weight criteria left out) gives the scores of
    model.weighted_scores with the fills, NaN where the available weight is 0 in a draw."""
    rng = np.random.default_rng(9)
    c, d, p = 6, 200, 5
    s = rng.uniform(0, 100, (c, d, p))
    s[:4, :, 1] = np.nan  # no police figures
    s[4:, :, 2] = np.nan  # no perception, no professionals
    s[:, :, 4] = np.nan  # nothing at all
    fill = rng.uniform(0, 100, (c, d, p))
    filled = np.where(np.isnan(s), fill, s)
    avail = ~np.isnan(s[:, 0, :])  # (C, P)
    patterns, of_pair = np.unique(avail.T, axis=0, return_inverse=True)
    for profile in ([0.15, 0.15, 0.05, 0.05, 0.3, 0.3], [0.3, 0.3, 0.2, 0.2, 0, 0], [0, 0, 0, 0, 0.5, 0.5]):
        w = np.zeros((d, c))
        pos = np.array(profile) > 0
        w[:, pos] = rng.dirichlet(50 * np.array(profile)[pos], size=d)
        want = weighted_scores(s, w, fill)[0]  # (D, P)
        got = combine(np.ascontiguousarray(filled.transpose(0, 2, 1)), patterns, of_pair, w)
        assert np.array_equal(got.T, want, equal_nan=True)
        assert np.isnan(got[4]).all()
    # the last profile weighs perception and professionals only: pair 2 has neither, pair 1 both
    assert np.isnan(got[2]).all() and not np.isnan(got[1]).any()


def test_interval_rows_of_long_rows_are_exact_when_the_prefilter_sample_misleads() -> None:
    """Rows of 70,000 draws select their tails from a prefiltered set; where the every-16th sample
    holds the extremes (its threshold leaves too few values), the row is partitioned whole."""
    n = 70_000
    rng = np.random.default_rng(5)
    values = rng.permutation(n).astype(np.float32)
    misleading = np.empty(n, dtype=np.float32)
    order = np.sort(values)
    sampled = np.zeros(n, dtype=bool)
    sampled[::16] = True
    k = sampled.sum()
    misleading[sampled] = np.r_[order[: k // 2], order[n - (k - k // 2) :]]  # the sample: both tails
    misleading[~sampled] = rng.permutation(order[k // 2 : n - (k - k // 2)])
    rows = np.stack([values, misleading, np.round(values / 1000), np.full(n, 7.0, dtype=np.float32)])
    low, high = interval_rows(rows)
    for r in range(len(rows)):
        assert low[r] == np.percentile(rows[r], 2.5) and high[r] == np.percentile(rows[r], 97.5)
    assert (low[3], high[3]) == (7.0, 7.0)


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


def _region_ratings(themes: Iterable[str]) -> list[dict[str, Any]]:
    """Ratings of every theme for the region by three organisation types, one respondent each."""
    return [
        f.professional_row("NOT", org, f"r{i}", theme, "size", 1 + (i * 7 + j) % 5)
        for i, org in enumerate(("politie", "welzijn", "zorg"))
        for j, theme in enumerate(themes)
    ]


def _assert_pinned(
    scores: pd.DataFrame, pinned: dict[tuple[str, str, str], tuple[float, float, float]]
) -> None:
    """Interval bounds exactly and P(top 3) to 1e-12, per (municipality, profile, theme)."""
    for key, (low, high, p_top) in pinned.items():
        assert scores.loc[key, "score_low"] == low and scores.loc[key, "score_high"] == high
        assert scores.loc[key, "p_top3"] == pytest.approx(p_top, abs=1e-12)


def test_simulation_numbers_are_pinned() -> None:
    """Pinned from random scheme 2 (scoring/montecarlo.py SCHEME): a change of what the streams draw
    shows here, and must come with a new SCHEME (kept simulations are keyed by it)."""
    police, pop = f.synthetic(n_months=36)
    themes = load_catalogue(None).themes
    prof = [
        *_region_ratings(themes),
        f.professional_row("GM0168", "zorg", "r9", "drugs_alcohol", "size", 2),
        f.professional_row("GM0168", "zorg", "r8", "drugs_alcohol", "size", 5),
    ]
    inputs = f.inputs(police, pop, professional=prof)
    result = compute(inputs, ScoringConfig(draws=2500), load_catalogue(None))  # 3 blocks of draws
    s = result.scores.set_index(["municipality", "profile", "theme"])
    pinned = {
        ("GM0168", "evenwichtig", "drugs_alcohol"): (19.648073196411133, 63.03670120239258, 0.0384),
        ("NOT", "feiten", "woninginbraak"): (49.877113342285156, 73.8677749633789, 0.4848),
        ("GM1774", "evenwichtig", "jeugd"): (36.55079650878906, 77.62068176269531, 0.3252),
    }
    _assert_pinned(s, pinned)
    squares = float((result.rank_probabilities["probability"].fillna(0) ** 2).sum())
    assert squares == pytest.approx(20.65727296, abs=1e-9)
    c = result.criteria
    prof_rows = c[(c["criterion"] == "professionals") & c["raw_low"].notna()]
    assert len(prof_rows) == 70
    assert float(prof_rows["raw_high"].sum()) == pytest.approx(320.33333349227905, abs=1e-9)


def test_simulation_numbers_over_several_batches_are_pinned() -> None:
    """25,000 draws: two full batches (the second drawn into the first's arrays), a shorter third one
    and intervals from the prefiltered tails. Pinned from the draw-major implementation of random
    scheme 2 (before issue 13's pair-major kernel): the kernel changed no number."""
    police, pop = f.synthetic(n_months=36)
    themes = load_catalogue(None).themes
    prof = _region_ratings(themes)
    inputs = f.inputs(police, pop, professional=prof)
    result = compute(inputs, ScoringConfig(draws=25_000, seed=7), load_catalogue(None))
    assert result.method["draws"] == 25_000
    s = result.scores.set_index(["municipality", "profile", "theme"])
    pinned = {
        ("GM0168", "evenwichtig", "drugs_alcohol"): (19.2423095703125, 60.79393005371094, 0.02512),
        ("NOT", "feiten", "woninginbraak"): (49.96531677246094, 73.82881164550781, 0.49336),
        ("GM1774", "beleving_professionals", "jeugd"): (22.354642868041992, 86.5146713256836, 0.30924),
    }
    _assert_pinned(s, pinned)
    assert float(s["score_low"].sum()) == pytest.approx(5698.123142242432, abs=1e-9)
    assert float(s["score_high"].sum()) == pytest.approx(14872.546154022217, abs=1e-9)
    squares = float((result.rank_probabilities["probability"].fillna(0) ** 2).sum())
    assert squares == pytest.approx(20.6039904448, abs=1e-9)
    c = result.criteria
    prof_rows = c[(c["criterion"] == "professionals") & c["raw_low"].notna()]
    assert len(prof_rows) == 70
    assert (float(prof_rows["raw_low"].sum()), float(prof_rows["raw_high"].sum())) == (95.0, 320.0)


def test_threads_do_not_change_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from ivp_pipeline.scoring import montecarlo

    police, pop = f.synthetic(n_months=36)
    inputs, cfg, cat = f.inputs(police, pop), ScoringConfig(draws=2500), load_catalogue(None)
    monkeypatch.setattr(montecarlo, "PROCESSES", 1)  # threads are for a simulation in one process
    monkeypatch.setattr(montecarlo, "THREADS", 1)
    alone = compute(inputs, cfg, cat)
    monkeypatch.setattr(montecarlo, "THREADS", 3)  # more threads than the machine may have
    monkeypatch.setattr(montecarlo, "THREADED_PAIRS", 0)  # threads for a simulation this small too
    threaded = compute(inputs, cfg, cat)
    assert threaded.scores.equals(alone.scores)
    assert threaded.rank_probabilities.equals(alone.rank_probabilities)
    assert threaded.criteria.equals(alone.criteria)


def test_processes_do_not_change_a_number(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The units to simulate are dealt to this process and forked children (PROCESSES): the numbers
    are those of one process, and the units are simulated in as many processes."""
    from ivp_pipeline import forked
    from ivp_pipeline.scoring import montecarlo

    police, pop = f.synthetic(n_months=36)
    inputs, cfg, cat = f.inputs(police, pop), ScoringConfig(draws=2500), load_catalogue(None)
    real = montecarlo._simulate
    log = tmp_path / "pids.txt"

    def spy(m, *args, **kwargs):  # type: ignore[no-untyped-def]
        with log.open("a") as out:  # the process that simulates these units
            out.write(f"{os.getpid()} {' '.join(sorted(set(m.pairs['unit'])))}\n")
        return real(m, *args, **kwargs)

    monkeypatch.setattr(montecarlo, "_simulate", spy)

    def run(processes: int) -> tuple[ScoreResult, dict[str, str]]:
        monkeypatch.setattr(montecarlo, "PROCESSES", processes)
        log.write_text("")
        result = compute(inputs, cfg, cat)
        units = {u: pid for line in log.read_text().splitlines() for pid, *us in [line.split()] for u in us}
        return result, units

    alone, one = run(1)
    assert sorted(one) == ["GM0168", "GM0173", "GM0183", "GM1774", "NOT"] and len(set(one.values())) == 1
    split, two = run(2)
    assert sorted(two) == sorted(one)
    if forked.FORK:  # dealt in turn: the 1st, 3rd and 5th unit here, the 2nd and 4th in a child
        assert len(set(two.values())) == 2
    assert split.scores.equals(alone.scores)
    assert split.rank_probabilities.equals(alone.rank_probabilities)
    assert split.criteria.equals(alone.criteria)
    monkeypatch.setattr(forked, "FORK", False)  # where fork is unsafe: everything in this process
    _, here = run(2)
    assert len(set(here.values())) == 1
