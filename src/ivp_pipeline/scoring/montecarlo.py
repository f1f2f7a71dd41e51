"""Seeded Monte Carlo: counts, survey values, professionals and weights drawn together, vectorised.

Each unit x theme gets its own random stream derived from (seed, unit, theme), so adding or removing a
theme never changes the draws of another theme: only ranks (which compare themes) can move.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ivp_pipeline.scoring.model import F, Model, criteria_arrays, ranks, stack, weighted_scores


def stream(seed: int, *names: str) -> np.random.Generator:
    key = zlib.crc32("|".join(names).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed, key]))


def draw_values(m: Model, seed: int, draws: int) -> tuple[F, F, F, F]:
    """(code counts (D,K), baseline counts (D,P), survey values (D,I), professional means (D,P))."""
    code_x = np.zeros((draws, len(m.code_x)))
    x0 = np.full((draws, m.n_pairs), np.nan)
    ind = np.zeros((draws, len(m.ind_value)))
    prof = np.full((draws, m.n_pairs), np.nan)
    for p, (unit, theme) in enumerate(zip(m.pairs["unit"], m.pairs["theme"], strict=True)):
        rng = stream(seed, str(unit), str(theme))
        k = np.flatnonzero(m.code_pair == p)
        # Parametric bootstrap: each code's count drawn from a Poisson with the observed count as mean.
        code_x[:, k] = rng.poisson(m.code_x[k], size=(draws, len(k)))
        if not np.isnan(m.x0[p]):
            x0[:, p] = rng.poisson(m.x0[p], size=draws)
        i = np.flatnonzero(m.ind_pair == p)
        # Survey: normal with SE = margin / 1.96 (the margin is the half-width of a 95 % interval).
        ind[:, i] = rng.normal(m.ind_value[i], m.ind_margin[i] / 1.96, size=(draws, len(i)))
        groups = m.prof_groups.get(p)
        if groups:
            prof[:, p] = bootstrap_professionals(groups, rng, draws)
    return code_x, x0, ind, prof


def bootstrap_professionals(groups: list[F], rng: np.random.Generator, draws: int) -> F:
    """Two-stage bootstrap: organisation types drawn with replacement, then respondents within each.

    Types keep equal weight. Resampling the types too matters because a type often has a single
    respondent, whose rating a within-type bootstrap could never vary.
    """
    per_type = np.stack(
        [g[rng.integers(0, len(g), size=(draws, len(g)))].mean(axis=1) for g in groups], axis=1
    )  # (D, T)
    pick = rng.integers(0, len(groups), size=(draws, len(groups)))
    return np.take_along_axis(per_type, pick, axis=1).mean(axis=1)


def draw_weights(weights: F, concentration: float, seed: int, profile: str, draws: int) -> F:
    """Dirichlet around the profile (mean = the profile's weights); zero weights stay zero."""
    rng = stream(seed, "weights", profile)
    out = np.zeros((draws, len(weights)))
    pos = weights > 0
    if pos.sum() == 1:
        out[:, pos] = 1.0
    elif pos.any():
        out[:, pos] = rng.dirichlet(concentration * weights[pos], size=draws)
    return out


@dataclass
class Simulation:
    scores: dict[str, F]  # profile -> (D, P)
    ranks: dict[str, F]  # profile -> (D, P)
    professionals: F  # (D, P) mean ratings drawn


def simulate(
    m: Model,
    profiles: dict[str, F],
    groups: list[NDArray[np.int64]],
    seed: int,
    draws: int,
    concentration: float,
) -> Simulation:
    code_x, x0, ind, prof = draw_values(m, seed, draws)
    s = stack(criteria_arrays(m, code_x, x0, ind, prof))
    scores, rk = {}, {}
    for name, w in profiles.items():
        sc, _ = weighted_scores(s, draw_weights(w, concentration, seed, name, draws))
        scores[name] = sc
        rk[name] = ranks(sc, groups)
    return Simulation(scores, rk, prof)


def interval(draws: F, level: float = 0.95) -> tuple[F, F]:
    """Percentile interval per pair; NaN where every draw is NaN."""
    tail = (1 - level) / 2 * 100
    out_low = np.full(draws.shape[1], np.nan)
    out_high = np.full(draws.shape[1], np.nan)
    ok = ~np.all(np.isnan(draws), axis=0)
    if ok.any():
        out_low[ok] = np.nanpercentile(draws[:, ok], tail, axis=0)
        out_high[ok] = np.nanpercentile(draws[:, ok], 100 - tail, axis=0)
    return out_low, out_high


def rank_distribution(rk: F, max_rank: int) -> F:
    """(P, max_rank): share of draws in which each pair had rank 1, 2, ..."""
    out = np.zeros((rk.shape[1], max_rank))
    for r in range(1, max_rank + 1):
        out[:, r - 1] = np.mean(rk == r, axis=0)
    return out
