"""Small-number statistics: exact Poisson intervals and an exact test of a rate ratio, vectorised.

Built on `scipy.special` (regularised incomplete gamma and beta functions and their inverses), not
`scipy.stats`: the same exact numbers, a whole column per call, and `scipy.stats` (0.9 s to import)
stays out of `ivp score`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import bdtr, bdtrc, betaincinv, gammaincinv, gammaln

F = NDArray[np.float64]


def poisson_ci(x: ArrayLike, alpha: float = 0.05) -> tuple[F, F]:
    """Exact (Garwood) interval for a Poisson count: chi-square quantiles, no normal approximation.

    low = chi2(alpha/2; 2x)/2 (0 when x = 0), high = chi2(1 - alpha/2; 2x + 2)/2, i.e. the inverse
    regularised gamma function P(x, .) and P(x + 1, .). Fit for the single-digit counts of small
    municipalities; NaN stays NaN.
    """

    x = np.asarray(x, dtype=float)
    if x.size >= UNIQUE_FROM:
        # a long column of counts holds few distinct values: each computed once (the same numbers)
        values, back = np.unique(x.ravel(), return_inverse=True)
        if 4 * len(values) <= x.size:
            low, high = _garwood(values, alpha)
            back = back.ravel()
            return low[back].reshape(x.shape), high[back].reshape(x.shape)
    return _garwood(x, alpha)


# From this many values on, poisson_ci computes each distinct value once.
UNIQUE_FROM = 1024


def _garwood(x: F, alpha: float) -> tuple[F, F]:
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, gammaincinv(np.maximum(x, 1e-300), alpha / 2), 0.0)
        high = gammaincinv(x + 1, 1 - alpha / 2)
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
    ratio, low, high, p = rate_ratios([x1], [t1], [x0], [t0], alpha)
    return (float(ratio[0]), float(low[0]), float(high[0]), float(p[0]))


def rate_ratios(
    x1: ArrayLike, t1: ArrayLike, x0: ArrayLike, t0: ArrayLike, alpha: float = 0.05
) -> tuple[F, F, F, F]:
    """`rate_ratio` for whole columns at once: (ratio, low, high, p), each of the rows' shape."""
    x1, t1, x0, t0 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x1, t1, x0, t0))
    nan = np.full(x1.shape, np.nan)
    ok = (t1 > 0) & (t0 > 0) & ~np.isnan(x1) & ~np.isnan(x0)
    k = np.round(np.where(ok, x1, 0.0))
    n = np.round(np.where(ok, x1 + x0, 0.0))
    some = ok & (n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = t0 / t1
        kk, nn = np.where(some, k, 0.0), np.where(some, n, 1.0)
        p_low = np.where(kk == 0, 0.0, betaincinv(np.maximum(kk, 1e-300), nn - kk + 1, alpha / 2))
        p_high = np.where(kk == nn, 1.0, betaincinv(kk + 1, np.maximum(nn - kk, 1e-300), 1 - alpha / 2))
        p_value = binomial_p(kk, nn, np.where(some, t1 / (t1 + t0), 0.5))
        ratio = np.where(some, _odds(kk / nn) * scale, nan)
        low = np.where(some, _odds(p_low) * scale, nan)
        high = np.where(some, _odds(p_high) * scale, nan)
    p_value = np.where(some, p_value, np.where(ok, 1.0, nan))
    return ratio, low, high, p_value


def binomial_pmf(j: ArrayLike, n: ArrayLike, p: ArrayLike) -> F:
    """P(X = j) for X ~ Binomial(n, p), through log-gamma (no overflow for large n)."""
    j, n, p = (np.asarray(v, dtype=float) for v in (j, n, p))
    with np.errstate(divide="ignore", invalid="ignore"):
        log = gammaln(n + 1) - gammaln(j + 1) - gammaln(n - j + 1)
        log = log + np.where(j > 0, j * np.log(p), 0.0) + np.where(n - j > 0, (n - j) * np.log1p(-p), 0.0)
    return np.where((j < 0) | (j > n), 0.0, np.exp(log))


def binomial_p(k: ArrayLike, n: ArrayLike, p: ArrayLike) -> F:
    """Exact two-sided p-value: the probability of every outcome no more likely than k (as binomtest).

    Vectorised: the pmf rises up to the mode m = floor((n + 1) p) and falls after it, so the outcomes
    no more likely than k (within a relative 1e-7, as scipy) are 0..a and b..n, found by bisection on
    either side of m; the p-value is P(X <= a) + P(X >= b).
    """
    k, n, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (k, n, p)))
    threshold = binomial_pmf(k, n, p) * (1 + 1e-7)
    mode = np.minimum(np.floor((n + 1) * p), n)
    # a: the last j in [0, mode] with pmf(j) <= threshold (-1: none); the pmf is nondecreasing there
    lo, hi = np.full(k.shape, -1.0), mode.copy()
    hi = np.where(binomial_pmf(hi, n, p) <= threshold, hi + 1, hi)  # all of [0, mode] qualifies
    a = _bisect(lo, hi, lambda j: binomial_pmf(j, n, p) <= threshold)
    # b: the first j in [mode + 1, n] with pmf(j) <= threshold (n + 1: none); nonincreasing there
    b = _bisect(mode, n + 1, lambda j: binomial_pmf(j, n, p) > threshold) + 1
    whole = np.maximum(n, 0).astype(np.int64)  # bdtr and bdtrc take whole numbers of outcomes
    with np.errstate(invalid="ignore"):
        left = np.where(a >= 0, bdtr(np.maximum(a, 0).astype(np.int64), whole, p), 0.0)
        right = np.where(b <= n, bdtrc(np.maximum(b - 1, 0).astype(np.int64), whole, p), 0.0)
    return np.minimum(1.0, left + right)


def _bisect(lo: F, hi: F, good: Callable[[F], NDArray[np.bool_]]) -> F:
    """The last j in (lo, hi) for which `good(j)` holds, `good` true up to some j and false after it
    (lo when it never holds); vectorised over rows."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        open_ = hi - lo > 1
        if not open_.any():
            return lo
        mid = np.floor((lo + hi) / 2)
        ok = good(np.where(open_, mid, lo))
        lo = np.where(open_ & ok, mid, lo)
        hi = np.where(open_ & ~ok, mid, hi)


def _odds(p: ArrayLike) -> F:
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p >= 1, np.inf, p / (1 - p))
