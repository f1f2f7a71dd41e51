"""Small-number statistics: exact Poisson intervals and an exact test of a rate ratio."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import beta, binom, chi2


def poisson_ci(x: ArrayLike, alpha: float = 0.05) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact (Garwood) interval for a Poisson count: chi-square quantiles, no normal approximation.

    low = chi2(alpha/2; 2x)/2 (0 when x = 0), high = chi2(1 - alpha/2; 2x + 2)/2.
    Fit for the single-digit counts of small municipalities; NaN stays NaN.
    """

    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, chi2.ppf(alpha / 2, 2 * np.maximum(x, 1e-300)) / 2, 0.0)
        high = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    low = np.where(np.isnan(x), np.nan, low)
    return low, np.asarray(high, dtype=float)


def rate_ratio(
    x1: float, t1: float, x0: float, t0: float, alpha: float = 0.05
) -> tuple[float, float, float, float]:
    """Rate ratio of period 1 against period 0 with exact interval and two-sided p-value.

    Conditional on the total n = x1 + x0, x1 is Binomial(n, t1 / (t1 + t0)) when both periods have the
    same rate; the Clopper-Pearson interval for that proportion p gives the ratio p/(1-p) * t0/t1.
    Valid for any count, also 0. Returns (ratio, low, high, p); NaNs when there is nothing to compare.
    """

    if not (t1 > 0 and t0 > 0) or any(np.isnan(v) for v in (x1, x0)):
        return (np.nan, np.nan, np.nan, np.nan)
    k, n = round(x1), round(x1 + x0)
    if n == 0:
        return (np.nan, np.nan, np.nan, 1.0)
    scale = t0 / t1
    p_low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    p_high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    odds = _odds
    ratio = odds(k / n) * scale
    p_value = binomial_p(k, n, t1 / (t1 + t0))
    return (ratio, odds(p_low) * scale, odds(p_high) * scale, p_value)


def binomial_p(k: int, n: int, p: float) -> float:
    """Exact two-sided p-value: the probability of every outcome no more likely than k (as binomtest)."""

    pmf = binom.pmf(np.arange(n + 1), n, p)
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))


def _odds(p: float) -> float:
    return np.inf if p >= 1 else p / (1 - p)


def smoothed_ratio(
    x1: ArrayLike, t1: ArrayLike, x0: ArrayLike, t0: ArrayLike, pseudo: float = 1.0
) -> NDArray[np.float64]:
    """Rate ratio after adding one pseudo-event shared by exposure: finite for zero counts, shrunk to 1.

    ((x1 + k t1/(t1+t0)) / t1) / ((x0 + k t0/(t1+t0)) / t0), k = `pseudo`: 0 against 0 gives exactly 1
    ('no change'), 1 against 0 does not jump to infinity, and large counts are hardly affected.
    Used as the point estimate on the score scale.
    """
    x1, t1, x0, t0 = (np.asarray(v, dtype=float) for v in (x1, t1, x0, t0))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = t1 / (t1 + t0)
        return ((x1 + pseudo * share) / t1) / ((x0 + pseudo * (1 - share)) / t0)
