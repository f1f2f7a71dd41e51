"""How much the weights may change before the top of a priority list changes (pure, vectorised).

One weight is moved at a time; the others keep their proportions and the weights still sum to 1
(w'_c = v, w'_j = w_j * (1 - v) / (1 - w_c)). Every weight v on a grid of `step` over [0, 1] is scored
at once with the model's own `weighted_scores` and `ranks`, so a missing criterion is the neutral 50
exactly as in the published score and equal scores share a rank.

- `weight_sensitivity`: per criterion the smallest decrease and increase of its weight that changes
  the set of themes in the top n (None: no weight within [0, 1] changes it).
- `rank_ranges`: per theme the best and worst rank over every one-at-a-time change of at most
  `spread` (absolute) in one weight: the bars of a tornado chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ivp_pipeline.scoring.model import ranks, weighted_scores

F = NDArray[np.float64]
STEP = 0.01
SPREAD = 0.10


@dataclass(frozen=True)
class WeightChange:
    """The smallest change of one criterion's weight that changes the top n (None: none does)."""

    criterion: str
    weight: float
    down: float | None  # a decrease, as a positive number (weight - down is the new weight)
    up: float | None
    top_down: tuple[str, ...]  # the top n after that decrease (empty when down is None)
    top_up: tuple[str, ...]


def moved_weights(weights: F, criterion: int, values: F) -> F:
    """(G, C) weight vectors: criterion `criterion` set to each of `values`, the others rescaled."""
    rest = 1.0 - weights[criterion]
    out = np.repeat(weights[None, :], len(values), axis=0)
    if rest > 1e-12:
        out *= ((1.0 - values) / rest)[:, None]
    else:  # all weight was on this criterion: spread the remainder evenly over the others
        others = np.ones_like(weights)
        others[criterion] = 0.0
        out = ((1.0 - values)[:, None] * others[None, :]) / max(others.sum(), 1.0)
    out[:, criterion] = values
    return out


def _ranks(scaled: F, weights: F) -> F:
    """Ranks (G, T) of T themes for G weight vectors; scaled is (T, C) with NaN for unknown."""
    s = np.repeat(scaled.T[:, None, :], len(weights), axis=1)  # (C, G, T)
    score, _cov = weighted_scores(s, weights)
    return ranks(score, [np.arange(scaled.shape[0], dtype=np.int64)])


def _top(rank_row: F, themes: list[str], top_n: int) -> tuple[str, ...]:
    return tuple(t for t, r in zip(themes, rank_row, strict=True) if not np.isnan(r) and r <= top_n)


def _changed(rk: F, themes: list[str], top_n: int, base: set[str]) -> np.ndarray:
    """Per row of ranks (G, T): is its top n another set of themes than `base`?"""
    if len(set(themes)) < len(themes):  # a theme twice: compare the sets of names
        return np.array([set(_top(r, themes, top_n)) != base for r in rk], dtype=bool)
    with np.errstate(invalid="ignore"):
        top = rk <= top_n  # NaN (no score) is never in the top
    return (top != np.array([t in base for t in themes], dtype=bool)).any(axis=1)


def weight_sensitivity(
    scaled: F, weights: F, themes: list[str], criteria: list[str], top_n: int = 3, step: float = STEP
) -> list[WeightChange]:
    """For each criterion the smallest decrease and increase of its weight that changes the top n."""
    base = _top(_ranks(scaled, weights[None, :])[0], themes, top_n)
    base_set = set(base)
    out: list[WeightChange] = []
    grid = np.round(np.arange(0.0, 1.0 + step / 2, step), 10)
    for c, name in enumerate(criteria):
        w = float(weights[c])
        rk = _ranks(scaled, moved_weights(weights, c, grid))
        changed = _changed(rk, themes, top_n, base_set)
        down_idx = [i for i in np.flatnonzero(changed) if grid[i] < w - 1e-12]
        up_idx = [i for i in np.flatnonzero(changed) if grid[i] > w + 1e-12]
        d = max(down_idx, key=lambda i: grid[i]) if down_idx else None
        u = min(up_idx, key=lambda i: grid[i]) if up_idx else None
        out.append(
            WeightChange(
                criterion=name,
                weight=w,
                down=None if d is None else round(w - float(grid[d]), 10),
                up=None if u is None else round(float(grid[u]) - w, 10),
                top_down=() if d is None else _top(rk[d], themes, top_n),
                top_up=() if u is None else _top(rk[u], themes, top_n),
            )
        )
    return out


def rank_ranges(scaled: F, weights: F, spread: float = SPREAD, step: float = STEP) -> tuple[F, F, F]:
    """(rank now, best rank, worst rank) per theme over one-at-a-time weight changes of <= spread.

    Themes without a score have NaN throughout.
    """
    now = _ranks(scaled, weights[None, :])[0]
    offsets = np.round(np.arange(-spread, spread + step / 2, step), 10)
    blocks = []
    for c in range(len(weights)):
        values = np.clip(weights[c] + offsets, 0.0, 1.0)
        blocks.append(moved_weights(weights, c, np.unique(values)))
    rk = _ranks(scaled, np.concatenate(blocks))
    with np.errstate(all="ignore"):
        best = np.where(np.isnan(now), np.nan, np.nanmin(np.where(np.isnan(rk), np.inf, rk), axis=0))
        worst = np.where(np.isnan(now), np.nan, np.nanmax(np.where(np.isnan(rk), -np.inf, rk), axis=0))
    return now, best, worst
