"""Exact Poisson intervals, the rate-ratio test and the fixed scales."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ivp_pipeline.scoring import scales
from ivp_pipeline.scoring.scales import smoothed_ratio
from ivp_pipeline.scoring.stats import poisson_ci, rate_ratio


@pytest.mark.parametrize(
    ("x", "low", "high"),
    [
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (5, 1.6235, 11.6683),
        (10, 4.7954, 18.3904),
        (20, 12.2165, 30.8884),
    ],
)
def test_garwood_interval_known_values(x: int, low: float, high: float) -> None:
    lo, hi = poisson_ci(x)
    assert float(lo) == pytest.approx(low, abs=1e-4)
    assert float(hi) == pytest.approx(high, abs=1e-4)


def test_poisson_ci_vectorised_and_nan() -> None:
    lo, hi = poisson_ci(np.array([0.0, 5.0, np.nan]))
    assert lo[0] == 0 and math.isnan(lo[2]) and math.isnan(hi[2])
    assert hi[1] == pytest.approx(11.6683, abs=1e-4)


def test_rate_ratio_equal_rates() -> None:
    # 10 in 1 year against 30 in 3 years: the same rate, ratio 1, p = 1
    rr, lo, hi, p = rate_ratio(10, 1.0, 30, 3.0)
    assert rr == pytest.approx(1.0)
    assert lo < 1 < hi
    assert p == pytest.approx(1.0)


def test_rate_ratio_small_counts_exact() -> None:
    # 8 against 2 with equal exposure: conditional binomial(10, 0.5), two-sided p = 2 x P(X >= 8) = 0.1094
    rr, lo, hi, p = rate_ratio(8, 1.0, 2, 1.0)
    assert rr == pytest.approx(4.0)
    assert p == pytest.approx(0.109375)
    # Clopper-Pearson for 8/10 = [0.44390, 0.97479] -> odds [0.7985, 38.53]
    assert lo == pytest.approx(0.44390 / (1 - 0.44390), rel=1e-3)
    assert hi == pytest.approx(0.97479 / (1 - 0.97479), rel=1e-3)


def test_rate_ratio_zero_and_nothing() -> None:
    rr, lo, hi, p = rate_ratio(0, 1.0, 0, 3.0)
    assert math.isnan(rr) and p == 1.0
    rr, lo, hi, _ = rate_ratio(3, 1.0, 0, 3.0)
    assert rr == math.inf and hi == math.inf and lo > 0


def test_smoothed_ratio_shrinks_to_one() -> None:
    assert float(smoothed_ratio(0, 1, 0, 3)) == pytest.approx(1.0)
    # one pseudo-event split 1:3 -> (1 + .25) / 1 / ((0 + .75) / 3) = 5
    assert float(smoothed_ratio(1, 1, 0, 3)) == pytest.approx(5.0)
    assert float(smoothed_ratio(1000, 1, 1000, 1)) == pytest.approx(1.0)


def test_scales_are_fixed_anchors() -> None:
    assert scales.volume([0.0, 0.01, 0.1, 1.0, 10.0, 50.0]).tolist() == pytest.approx(
        [0, 0, 100 / 3, 200 / 3, 100, 100]
    )
    assert scales.harm([0.1, 1.0, 100.0]).tolist() == pytest.approx([0, 100 / 3, 100])
    assert scales.ratio([0.25, 0.5, 1.0, 2.0, math.inf, 0.0]).tolist() == pytest.approx(
        [0, 0, 50, 100, 100, 0]
    )
    assert scales.perception([-3, -2, 0, 1, 2]).tolist() == pytest.approx([0, 0, 50, 75, 100])
    assert scales.professionals([1, 3, 5]).tolist() == pytest.approx([0, 50, 100])
    assert math.isnan(float(scales.volume(math.nan)))


@pytest.mark.parametrize(("k", "n", "p"), [(8, 10, 0.5), (0, 7, 0.25), (3, 40, 0.2), (12, 12, 0.75)])
def test_binomial_p_matches_scipy_binomtest(k: int, n: int, p: float) -> None:
    from scipy.stats import binomtest

    from ivp_pipeline.scoring.stats import binomial_p

    assert binomial_p(k, n, p) == pytest.approx(binomtest(k, n, p).pvalue)
