"""Seeded Monte Carlo: counts, survey values, professionals and weights drawn together, vectorised.

Each unit x theme gets its own random stream derived from (seed, unit, theme), so adding or removing a
theme never changes the draws of another theme: only ranks (which compare themes) can move.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ivp_pipeline.scoring.config import CRITERIA
from ivp_pipeline.scoring.model import F, Model, criteria_arrays, ranks, stack, weighted_scores


def stream(seed: int, *names: str) -> np.random.Generator:
    key = zlib.crc32("|".join(names).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed, key]))


# Draws are made in batches; after each batch the run stops once every P(top 3) is known to within a
# Monte Carlo standard error of MAX_SE_P_TOP (two seeds then differ by less than 0.01 in all but
# about 1 in 2,000 themes), or when `draws` (the cap) is reached. See docs/method.md.
BATCH = 10_000
MIN_DRAWS = 20_000
MAX_SE_P_TOP = 0.002


def pair_streams(m: Model, seed: int) -> list[np.random.Generator]:
    return [stream(seed, str(u), str(t)) for u, t in zip(m.pairs["unit"], m.pairs["theme"], strict=True)]


def draw_values(
    m: Model, seed: int, draws: int, rngs: list[np.random.Generator] | None = None
) -> tuple[F, F, F, F, F]:
    """(code counts (D,K), baseline counts (D,P), survey values (D,I), professional means (D,P),
    values of missing criteria (C,D,P): uniform over the whole 0-100 scale)."""
    rngs = rngs if rngs is not None else pair_streams(m, seed)
    code_x = np.zeros((draws, len(m.code_x)))
    unknown = np.zeros((m.n_pairs, len(CRITERIA), draws))  # filled per pair, returned as (C, D, P)
    x0 = np.full((draws, m.n_pairs), np.nan)
    ind = np.zeros((draws, len(m.ind_value)))
    prof = np.full((draws, m.n_pairs), np.nan)
    for p, rng in enumerate(rngs):
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
        # Drawn last, so the streams of the observed values stay as they were.
        unknown[p] = rng.uniform(0.0, 100.0, size=(len(CRITERIA), draws))
    return code_x, x0, ind, prof, unknown.transpose(1, 2, 0)


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


def draw_weights(
    weights: F,
    concentration: float,
    seed: int,
    profile: str,
    draws: int,
    rng: np.random.Generator | None = None,
) -> F:
    """Dirichlet around the profile (mean = the profile's weights); zero weights stay zero."""
    rng = rng if rng is not None else stream(seed, "weights", profile)
    out = np.zeros((draws, len(weights)))
    pos = weights > 0
    if pos.sum() == 1:
        out[:, pos] = 1.0
    elif pos.any():
        out[:, pos] = rng.dirichlet(concentration * weights[pos], size=draws)
    return out


@dataclass
class Simulation:
    low: dict[str, F]  # profile -> (P,) lower end of the score interval
    high: dict[str, F]  # profile -> (P,) upper end
    rank_dist: dict[str, F]  # profile -> (P, max rank): share of draws per rank, NaN rows = unranked
    professionals: tuple[F, F]  # (P,) interval of the professionals' mean rating
    draws: int  # the most draws made by a chunk (adaptive stop, at most the configured cap)


# Pairs simulated together. A run over many units (a whole police unit, the country) is simulated
# in chunks of whole units, each stopping on its own precision, so memory stays bounded; the streams
# are per pair, so a pair's draws do not depend on the chunk it is in.
CHUNK_PAIRS = 260


def simulate(
    m: Model,
    profiles: dict[str, F],
    groups: list[NDArray[np.int64]],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int = 3,
) -> Simulation:
    """Batches of draws until every P(top n) has a standard error <= MAX_SE_P_TOP (at least
    MIN_DRAWS), or `draws` in all; the same seed and inputs always stop at the same point.

    `groups` are the pairs ranked together (one unit each)."""
    chunks = _chunks(m, CHUNK_PAIRS)
    if len(chunks) == 1:
        return _simulate(m, profiles, groups, seed, draws, concentration, top_n)
    max_rank = max((len(g) for g in groups), default=0)
    low = {n: np.full(m.n_pairs, np.nan) for n in profiles}
    high = {n: np.full(m.n_pairs, np.nan) for n in profiles}
    dist = {n: np.full((m.n_pairs, max_rank), np.nan) for n in profiles}
    p_low, p_high = np.full(m.n_pairs, np.nan), np.full(m.n_pairs, np.nan)
    made = 0
    for idx in chunks:
        pos = np.full(m.n_pairs, -1)
        pos[idx] = np.arange(len(idx))
        sub_groups = [pos[g] for g in groups if len(g) and pos[g[0]] >= 0]
        sim = _simulate(_subset(m, idx, pos), profiles, sub_groups, seed, draws, concentration, top_n)
        for n in profiles:
            low[n][idx], high[n][idx] = sim.low[n], sim.high[n]
            width = sim.rank_dist[n].shape[1]
            dist[n][idx, :width] = sim.rank_dist[n]
            dist[n][idx[~np.isnan(sim.rank_dist[n][:, 0])], width:] = 0.0  # ranks a chunk has not
        p_low[idx], p_high[idx] = sim.professionals
        made = max(made, sim.draws)
    return Simulation(low, high, dist, (p_low, p_high), made)


def _chunks(m: Model, size: int) -> list[NDArray[np.int64]]:
    """Pair indices in runs of whole units (units are contiguous in m.pairs), about `size` each."""
    units = m.pairs["unit"].to_numpy()
    starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]]) if len(units) else np.array([0])
    bounds = [*starts.tolist(), len(units)]
    chunks: list[NDArray[np.int64]] = []
    first = 0
    for a, b in itertools.pairwise(bounds):
        if b - first > size and a > first:
            chunks.append(np.arange(first, a))
            first = a
    chunks.append(np.arange(first, len(units)))
    return chunks


def _subset(m: Model, idx: NDArray[np.int64], pos: NDArray[np.int64]) -> Model:
    """The model of the pairs `idx` (pos: pair -> its index in the subset, -1 outside)."""
    codes = np.flatnonzero(pos[m.code_pair] >= 0)
    ind = np.flatnonzero(pos[m.ind_pair] >= 0)
    local = np.flatnonzero(pos[m.local_pair] >= 0)
    return Model(
        pairs=m.pairs.iloc[idx].reset_index(drop=True),
        code_pair=pos[m.code_pair[codes]],
        code_x=m.code_x[codes],
        code_w=m.code_w[codes],
        x0=m.x0[idx],
        py1=m.py1[idx],
        py0=m.py0[idx],
        ref_x=m.ref_x[idx],
        ref_py=m.ref_py[idx],
        ind_pair=pos[m.ind_pair[ind]],
        ind_value=m.ind_value[ind],
        ind_comp=m.ind_comp[ind],
        ind_margin=m.ind_margin[ind],
        ind_sign=m.ind_sign[ind],
        prof_groups={int(pos[p]): g for p, g in m.prof_groups.items() if pos[p] >= 0},
        local_pair=pos[m.local_pair[local]],
        local_scaled=m.local_scaled[local],
    )


def _simulate(
    m: Model,
    profiles: dict[str, F],
    groups: list[NDArray[np.int64]],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int,
) -> Simulation:
    rngs = pair_streams(m, seed)
    wrngs = {name: stream(seed, "weights", name) for name in profiles}
    max_rank = max((len(g) for g in groups), default=0)
    scores: dict[str, list[F]] = {n: [] for n in profiles}
    counts = {n: np.zeros((m.n_pairs, max_rank)) for n in profiles}
    profs: list[F] = []
    done = 0
    while done < draws:
        d = min(BATCH, draws - done)
        code_x, x0, ind, prof, unknown = draw_values(m, seed, d, rngs)
        # an unknown local figure (named by the catalogue) is drawn like a missing criterion
        s = stack(criteria_arrays(m, code_x, x0, ind, prof, unknown[CRITERIA.index("volume")]))
        for name, w in profiles.items():
            sc, _ = weighted_scores(s, draw_weights(w, concentration, seed, name, d, wrngs[name]), unknown)
            scores[name].append(sc.astype(np.float32))  # percentiles need no more; halves memory
            rk = ranks(sc, groups)
            for r in range(1, max_rank + 1):
                counts[name][:, r - 1] += np.sum(rk == r, axis=0)
        profs.append(prof.astype(np.float32))
        done += d
        if done >= MIN_DRAWS and _precise(counts, done, top_n):
            break
    unranked = np.ones(m.n_pairs, dtype=bool)
    for g in groups:
        unranked[g] = False
    dist = {}
    for name, c in counts.items():
        share = c / done
        share[unranked | (c.sum(axis=1) == 0)] = np.nan  # never ranked: no score in any draw
        dist[name] = share
    bounds = {n: interval(np.concatenate(v)) for n, v in scores.items()}
    return Simulation(
        {n: b[0] for n, b in bounds.items()},
        {n: b[1] for n, b in bounds.items()},
        dist,
        interval(np.concatenate(profs)),
        done,
    )


def _precise(counts: dict[str, F], done: int, top_n: int) -> bool:
    """True when every P(top n) has a binomial standard error of at most MAX_SE_P_TOP."""
    for c in counts.values():
        p = c[:, :top_n].sum(axis=1) / done
        if np.max(np.sqrt(p * (1 - p) / done), initial=0.0) > MAX_SE_P_TOP:
            return False
    return True


def interval(draws: F, level: float = 0.95) -> tuple[F, F]:
    """Percentile interval per pair; NaN where every draw is NaN."""
    tail = (1 - level) / 2 * 100
    out_low = np.full(draws.shape[1], np.nan)
    out_high = np.full(draws.shape[1], np.nan)
    nan = np.isnan(draws)
    ok = ~np.all(nan, axis=0)
    # columns without a NaN take the plain percentile (the same numbers, far faster)
    full = ok & ~np.any(nan, axis=0)
    gaps = ok & ~full
    for cols, percentile in ((full, np.percentile), (gaps, np.nanpercentile)):
        if cols.any():
            out_low[cols] = percentile(draws[:, cols], tail, axis=0)
            out_high[cols] = percentile(draws[:, cols], 100 - tail, axis=0)
    return out_low, out_high


def rank_distribution(rk: F, max_rank: int) -> F:
    """(P, max_rank): share of draws (rows of `rk`) in which each pair had rank 1, 2, ...; NaN for
    pairs never ranked."""
    out = np.zeros((rk.shape[1], max_rank))
    for r in range(1, max_rank + 1):
        out[:, r - 1] = np.mean(rk == r, axis=0)
    out[np.all(np.isnan(rk), axis=0)] = np.nan
    return out
