"""Fixed 0-100 scales per criterion: absolute anchors, never relative to the other themes.

Because no scale looks at the other themes, adding or removing a theme never moves another theme's
criterion values, score or relative order. The anchors are documented in docs/method.md.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Volume: rate per 1,000 inhabitants per year, log scale: 0.01 -> 0, 0.1 -> 33, 1 -> 67, 10 -> 100.
VOLUME_ANCHORS = (0.01, 10.0)
# Harm: harm-weighted rate per 1,000 inhabitants per year, log scale: 0.1 -> 0, 1 -> 33, 10 -> 67, 100 -> 100.
HARM_ANCHORS = (0.1, 100.0)
# Ratios (trend, comparison): log2 scale, 0.5 -> 0, 1 -> 50, 2 -> 100.
RATIO_SPAN = 2.0
# Perception: difference from the comparison value in margins (direction-aware): -2 -> 0, 0 -> 50, +2 -> 100.
PERCEPTION_SPAN = 2.0


def _clip(a: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.clip(a, 0.0, 100.0)


def log_scale(value: ArrayLike, lo: float, hi: float) -> NDArray[np.float64]:
    """(log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * 100, 0 for v <= 0, clipped to 0-100; NaN
    stays NaN. Computed in place (the Monte Carlo scales millions of values per batch)."""
    v = np.asarray(value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log10(v, out=np.empty_like(v))
        s -= np.log10(lo)
        s /= np.log10(hi) - np.log10(lo)
        s *= 100.0
    s[v <= 0] = 0.0
    return np.clip(s, 0.0, 100.0, out=s)


def volume(rate_per_1000: ArrayLike) -> NDArray[np.float64]:
    return log_scale(rate_per_1000, *VOLUME_ANCHORS)


def harm(harm_rate_per_1000: ArrayLike) -> NDArray[np.float64]:
    return log_scale(harm_rate_per_1000, *HARM_ANCHORS)


def ratio(rr: ArrayLike) -> NDArray[np.float64]:
    """50 + 50 log2(r) / log2(RATIO_SPAN), 0 for r <= 0, clipped to 0-100; NaN stays NaN (in place)."""
    r = np.asarray(rr, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log2(r, out=np.empty_like(r))
        s *= 50.0
        if RATIO_SPAN != 2.0:  # log2(2) is 1: the division changes no bit
            s /= np.log2(RATIO_SPAN)
        s += 50.0
    s[r <= 0] = 0.0
    return np.clip(s, 0.0, 100.0, out=s)


def smoothed_ratio(
    x1: ArrayLike, t1: ArrayLike, x0: ArrayLike, t0: ArrayLike, pseudo: float = 1.0
) -> NDArray[np.float64]:
    """Rate ratio after adding one pseudo-event shared by exposure: finite for zero counts, shrunk to 1.

    ((x1 + k t1/(t1+t0)) / t1) / ((x0 + k t0/(t1+t0)) / t0), k = `pseudo`: 0 against 0 gives exactly 1
    ('no change'), 1 against 0 does not jump to infinity, and large counts are hardly affected.
    The point estimate that `ratio` puts on the score scale (pure numpy: the chart drawer, which
    imports this module through the model, loads no scipy).
    """
    x1, t1, x0, t0 = (np.asarray(v, dtype=float) for v in (x1, t1, x0, t0))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = t1 / (t1 + t0)
        return ((x1 + pseudo * share) / t1) / ((x0 + pseudo * (1 - share)) / t0)


def perception(z: ArrayLike) -> NDArray[np.float64]:
    """z = (value - comparison) / margin, sign flipped for 'higher is better' indicators."""
    return _clip(50.0 + 50.0 * np.asarray(z, dtype=float) / PERCEPTION_SPAN)


def professionals(mean_rating: ArrayLike) -> NDArray[np.float64]:
    """Ratings 1-5: (mean - 1) / 4 * 100."""
    return _clip((np.asarray(mean_rating, dtype=float) - 1.0) / 4.0 * 100.0)
