"""Seeded Monte Carlo: counts, survey values, professionals and weights drawn together, vectorised.

Each unit x theme gets its own random stream derived from (seed, unit, theme), so adding or removing a
theme never changes the draws of another theme: only ranks (which compare themes) can move.
"""

from __future__ import annotations

import itertools
import os
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ivp_pipeline.scoring.config import CRITERIA
from ivp_pipeline.scoring.model import F, Model, criteria_arrays, ranks, stack


def stream(seed: int, *names: str) -> np.random.Generator:
    key = zlib.crc32("|".join(names).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed, key]))


T = TypeVar("T")

# Draws are made in batches; after each batch the run stops once every P(top 3) is known to within a
# Monte Carlo standard error of MAX_SE_P_TOP (two seeds then differ by less than 0.01 in all but
# about 1 in 2,000 themes), or when `draws` (the cap) is reached. See docs/method.md.
BATCH = 10_000
MIN_DRAWS = 20_000
MAX_SE_P_TOP = 0.002


def pair_streams(m: Model, seed: int) -> list[np.random.Generator]:
    return [stream(seed, str(u), str(t)) for u, t in zip(m.pairs["unit"], m.pairs["theme"], strict=True)]


@dataclass
class Layout:
    """Which columns of the draws belong to each pair, computed once per simulation."""

    codes: list[NDArray[np.int64]]  # pair -> its columns of code_x
    indicators: list[NDArray[np.int64]]  # pair -> its columns of the survey values
    unknown: NDArray[np.bool_]  # (C, P) criteria whose 0-100 draw is needed (missing, or local)

    @classmethod
    def of(cls, m: Model) -> Layout:
        n = m.n_pairs

        def by_pair(pair: NDArray[np.int64]) -> list[NDArray[np.int64]]:
            order = np.argsort(pair, kind="stable")
            bounds = np.searchsorted(pair[order], np.arange(n + 1))
            return [order[bounds[p] : bounds[p + 1]] for p in range(n)]

        # A criterion that is missing in the point estimate is missing in every draw; the volume of a
        # pair with an unknown local figure draws its fill too.
        point = stack(
            criteria_arrays(
                m, m.code_x[None, :], m.x0[None, :], m.ind_value[None, :], m.prof_point()[None, :]
            )
        )
        unknown = np.isnan(point[:, 0, :])
        local = m.local_pair[np.isnan(m.local_scaled)]
        unknown[CRITERIA.index("volume"), local] = True
        return cls(by_pair(m.code_pair), by_pair(m.ind_pair), unknown)


@dataclass
class Fills:
    """The 0-100 draws of missing criteria of one batch: row r is criterion[r] of pair[r]."""

    criterion: NDArray[np.int64]
    pair: NDArray[np.int64]
    values: F  # (rows, D)

    @classmethod
    def of(cls, rows: dict[tuple[int, int], F]) -> Fills:
        keys = sorted(rows)
        if not keys:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, 0)))
        return cls(
            np.array([c for c, _ in keys], dtype=np.int64),
            np.array([p for _, p in keys], dtype=np.int64),
            np.stack([rows[k] for k in keys]),
        )

    def drawn(self, n_criteria: int, n_pairs: int) -> NDArray[np.bool_]:
        out = np.zeros((n_criteria, n_pairs), dtype=bool)
        out[self.criterion, self.pair] = True
        return out


@dataclass
class Batch:
    """One batch of draws of the observed values, and where each pair's stream stood before the
    0-100 draws of its missing criteria (drawn last, only the rows needed: `uniform_rows`)."""

    code_x: F  # (D, K) code counts
    x0: F  # (D, P) baseline counts
    ind: F  # (D, I) survey values
    prof: F  # (D, P) professional means
    before_unknown: list[dict[str, Any]]  # pair -> bit generator state


def draw_values(
    m: Model, layout: Layout, d: int, rngs: list[np.random.Generator], pool: Pool | None = None
) -> Batch:
    """`d` draws of every observed value, pair by pair from the pair's own stream.

    Per pair, in this order: each code's count from a Poisson with the observed count as mean
    (parametric bootstrap), the baseline count likewise, the survey values from a normal with
    SE = margin / 1.96 (the margin is the half-width of a 95 % interval), the professionals'
    two-stage bootstrap, then a block of C x D uniform 0-100 values for missing criteria
    (`uniform_rows` draws from it only the rows a pair needs and skips the rest of the stream).
    With a `pool`, runs of pairs are drawn in threads (numpy draws without the GIL); each pair
    keeps its own stream, so the numbers do not depend on the threads.
    """
    code_x = np.empty((d, len(m.code_x)))
    x0 = np.full((d, m.n_pairs), np.nan)
    ind = np.empty((d, len(m.ind_value)))
    prof = np.full((d, m.n_pairs), np.nan)
    states: list[dict[str, Any]] = [{} for _ in rngs]

    def run(pairs: range) -> None:
        for p in pairs:
            rng = rngs[p]
            k = layout.codes[p]
            if len(k):
                code_x[:, k] = rng.poisson(m.code_x[k], size=(d, len(k)))
            if not np.isnan(m.x0[p]):
                x0[:, p] = rng.poisson(m.x0[p], size=d)
            i = layout.indicators[p]
            if len(i):
                ind[:, i] = rng.normal(m.ind_value[i], m.ind_margin[i] / 1.96, size=(d, len(i)))
            groups = m.prof_groups.get(p)
            if groups:
                prof[:, p] = bootstrap_professionals(groups, rng, d)
            states[p] = dict(rng.bit_generator.state)

    _each(pool, run, _runs(len(rngs), pool))
    return Batch(code_x, x0, ind, prof, states)


# Threads for the Monte Carlo (numpy's draws and array arithmetic release the GIL): at most the
# machine's cores, and 2 at most (`ivp score` shares the machine with its chart pool).
THREADS = max(1, min(2, os.cpu_count() or 1))
Pool = ThreadPoolExecutor


def _runs(n: int, pool: Pool | None, minimum: int = 1) -> list[range]:
    """0..n-1 in one contiguous run per thread of `pool` (one run without a pool)."""
    parts = max(1, min(THREADS if pool is not None else 1, n // max(minimum, 1)))
    bounds = np.linspace(0, n, parts + 1).astype(int)
    return [range(a, b) for a, b in itertools.pairwise(bounds.tolist()) if b > a]


def _each(pool: Pool | None, fn: Callable[[range], T], parts: list[range]) -> list[T]:
    """fn over each run, in threads when there is a pool and more than one run; results in order."""
    if pool is None or len(parts) < 2:
        return [fn(r) for r in parts]
    return list(pool.map(fn, parts))


def uniform_rows(
    rngs: list[np.random.Generator], batch: Batch, need: NDArray[np.bool_], d: int, pool: Pool | None = None
) -> dict[tuple[int, int], F]:
    """{(criterion, pair): (D,) uniform 0-100 draws} for the `need`ed (C, P) rows of each pair's
    block of C x D values, then every stream moved past its whole block: the same numbers as
    drawing the block whole (a double takes one 64-bit step of PCG64, which `advance` skips)."""
    n_criteria = need.shape[0]

    def run(pairs: range) -> dict[tuple[int, int], F]:
        out: dict[tuple[int, int], F] = {}
        for p in pairs:
            _skip_block(rngs[p], batch.before_unknown[p], need[:, p], n_criteria, d, p, out)
        return out

    rows: dict[tuple[int, int], F] = {}
    for part in _each(pool, run, _runs(len(rngs), pool)):
        rows.update(part)
    return rows


def _skip_block(
    rng: np.random.Generator,
    before: dict[str, Any],
    need: NDArray[np.bool_],
    n_criteria: int,
    d: int,
    p: int,
    out: dict[tuple[int, int], F],
) -> None:
    """The needed rows of one pair's block into `out`, and its stream moved past the block."""
    state: Any = before
    gen = rng.bit_generator
    assert isinstance(gen, np.random.PCG64)  # stream(): one 64-bit step per double
    for c in np.flatnonzero(need):
        gen.state = state
        gen.advance(int(c) * d)
        out[(int(c), p)] = rng.uniform(0.0, 100.0, size=d)
    gen.state = state
    gen.advance(n_criteria * d)
    # advance() empties the buffered half of a 32-bit draw; the block itself never touches it
    after = gen.state
    after["has_uint32"], after["uinteger"] = state["has_uint32"], state["uinteger"]
    gen.state = after


def bootstrap_professionals(groups: list[F], rng: np.random.Generator, draws: int) -> F:
    """Two-stage bootstrap: organisation types drawn with replacement, then respondents within each.

    Types keep equal weight. Resampling the types too matters because a type often has a single
    respondent, whose rating a within-type bootstrap could never vary (and that draw takes nothing
    from the stream: it is left out).
    """
    if all(len(g) == 1 for g in groups):
        per_type = np.broadcast_to(np.array([g[0] for g in groups], dtype=float), (draws, len(groups)))
    else:
        per_type = np.stack(
            [
                np.full(draws, g[0])
                if len(g) == 1
                else g[rng.integers(0, len(g), size=(draws, len(g)))].mean(axis=1)
                for g in groups
            ],
            axis=1,
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
# A batch is scored BLOCK_CELLS draws x pairs at a time (at least MIN_BLOCK draws): arrays that stay
# in the CPU cache. Blocks only split the arithmetic: the draws, and so the numbers, stay the same.
BLOCK_CELLS = 1 << 16
MIN_BLOCK = 256


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


@dataclass
class _Scoring:
    """Scores and rank counts of a batch, computed a block of draws at a time (a run of blocks
    per thread, each thread its own buffer and counts; each block writes its own draws' scores)."""

    m: Model
    groups: list[NDArray[np.int64]]
    max_rank: int
    batch: Batch
    fill: Fills
    weights: dict[str, F]
    scores: dict[str, NDArray[np.float32]]  # profile -> (P, D) of the batch
    step: int

    def run(self, blocks: range) -> dict[str, F]:
        """Rank counts per profile over the blocks."""
        m, batch, fill = self.m, self.batch, self.fill
        n_criteria = len(CRITERIA)
        counts = {n: np.zeros((m.n_pairs, self.max_rank)) for n in self.weights}
        drawn = fill.drawn(n_criteria, m.n_pairs)
        buffer = np.empty((n_criteria, self.step, m.n_pairs))
        volume = CRITERIA.index("volume")
        d = batch.code_x.shape[0]
        for b in blocks:
            lo, hi = b * self.step, min(d, (b + 1) * self.step)
            local_fill = None
            if len(m.local_pair):
                # an unknown local figure (named by the catalogue) is drawn like a missing criterion
                local_fill = np.zeros((hi - lo, m.n_pairs))
                vol = fill.criterion == volume
                local_fill[:, fill.pair[vol]] = fill.values[vol, lo:hi].T
            crit = criteria_arrays(
                m, batch.code_x[lo:hi], batch.x0[lo:hi], batch.ind[lo:hi], batch.prof[lo:hi], local_fill
            )
            s = np.stack([crit[c] for c in CRITERIA], out=buffer[:, : hi - lo])
            del crit
            avail = ~np.isnan(s)
            if (~avail.all(axis=1) & ~drawn).any():
                # Layout.unknown takes availability from the point estimate, the same in every draw
                raise AssertionError("a criterion missing in a draw but not in the point estimate")
            if len(fill.pair):
                rc, rp = fill.criterion, fill.pair
                s[rc, :, rp] = np.where(avail[rc, :, rp], s[rc, :, rp], fill.values[:, lo:hi])
            for name, w in self.weights.items():
                sc = combine(s, avail, w[lo:hi])
                self.scores[name][:, lo:hi] = sc.T  # (P, D) in float32: percentiles need no more
                counts[name] += rank_counts(ranks(sc, self.groups), self.max_rank)
        return counts


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
    layout = Layout.of(m)
    max_rank = max((len(g) for g in groups), default=0)
    scores: dict[str, list[NDArray[np.float32]]] = {n: [] for n in profiles}
    counts = {n: np.zeros((m.n_pairs, max_rank)) for n in profiles}
    profs: list[NDArray[np.float32]] = []
    done = 0
    with ThreadPoolExecutor(THREADS) as threads:
        pool = threads if THREADS > 1 else None
        while done < draws:
            d = min(BATCH, draws - done)
            batch = draw_values(m, layout, d, rngs, pool)
            fill = Fills.of(uniform_rows(rngs, batch, layout.unknown, d, pool))
            weights = {n: draw_weights(w, concentration, seed, n, d, wrngs[n]) for n, w in profiles.items()}
            batch_scores = {n: np.empty((m.n_pairs, d), dtype=np.float32) for n in profiles}
            step = max(MIN_BLOCK, BLOCK_CELLS // max(m.n_pairs, 1))
            blocks = [(lo, min(d, lo + step)) for lo in range(0, d, step)]
            scored = _Scoring(m, groups, max_rank, batch, fill, weights, batch_scores, step)
            parts = _each(pool, scored.run, _runs(len(blocks), pool))
            for part in parts:  # whole numbers of draws: the same sums in any order
                for name in profiles:
                    counts[name] += part[name]
            for name in profiles:
                scores[name].append(batch_scores[name])
            profs.append(np.ascontiguousarray(batch.prof.T, dtype=np.float32))
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
    bounds = {n: interval_rows(np.concatenate(v, axis=1)) for n, v in scores.items()}
    return Simulation(
        {n: b[0] for n, b in bounds.items()},
        {n: b[1] for n, b in bounds.items()},
        dist,
        interval_rows(np.concatenate(profs, axis=1)),
        done,
    )


def combine(s: F, avail: NDArray[np.bool_], weights: F) -> F:
    """`model.weighted_scores(s, weights, fill)[0]` with the fills already in `s` (where not `avail`):
    the same sums in the same order, without the (C, D, P) temporaries.

    Coverage (the available weight) only decides whether a pair has a score. A pair's available
    criteria are the same in every draw, so it is summed once per pattern of available criteria, not
    per pair (adding the 0 of an unavailable criterion changes no sum)."""
    n_criteria, n_draws = s.shape[:2]
    fixed = avail.all(axis=1)
    if (fixed == avail.any(axis=1)).all():
        patterns, of_pair = np.unique(fixed.T, axis=0, return_inverse=True)  # (patterns, C), (P,)
        covered = np.zeros((n_draws, len(patterns)))
        for c in range(n_criteria):
            covered += np.where(patterns[None, :, c], weights[:, c : c + 1], 0.0)
        scored = (covered > 1e-12)[:, of_pair.reshape(-1)]
    else:  # a criterion available in some draws only (not with the model as it is)
        covered = np.zeros(s.shape[1:])
        for c in range(n_criteria):
            covered += np.where(avail[c], weights[:, c : c + 1], 0.0)
        scored = covered > 1e-12
    total = np.zeros(s.shape[1:])
    weight = np.zeros((n_draws, 1))
    for c in range(n_criteria):
        wc = weights[:, c : c + 1]
        total += wc * s[c]
        weight += wc
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scored, total / weight, np.nan)


def rank_counts(rk: F, max_rank: int) -> F:
    """(P, max_rank): in how many draws (rows of `rk`) each pair had rank 1, 2, ..."""
    n_pairs = rk.shape[1]
    ok = ~np.isnan(rk)
    cells = (np.arange(n_pairs)[None, :] * max_rank + np.where(ok, rk, 1.0).astype(np.int64) - 1)[ok]
    return np.bincount(cells, minlength=n_pairs * max_rank).reshape(n_pairs, max_rank).astype(float)


def _precise(counts: dict[str, F], done: int, top_n: int) -> bool:
    """True when every P(top n) has a binomial standard error of at most MAX_SE_P_TOP."""
    for c in counts.values():
        p = c[:, :top_n].sum(axis=1) / done
        if np.max(np.sqrt(p * (1 - p) / done), initial=0.0) > MAX_SE_P_TOP:
            return False
    return True


def interval_rows(draws: NDArray[np.floating[Any]], level: float = 0.95) -> tuple[F, F]:
    """Percentile interval per row of draws (P, D); NaN where every draw is NaN. The numbers of
    `np.percentile` (linear), from one partition of each row for both ends."""
    tail = (1 - level) / 2 * 100
    out_low = np.full(draws.shape[0], np.nan)
    out_high = np.full(draws.shape[0], np.nan)
    nan = np.isnan(draws)
    ok = ~np.all(nan, axis=1)
    full = ok & ~np.any(nan, axis=1)
    if full.all() and draws.shape[1]:
        out_low[:], out_high[:] = _percentiles(draws, (tail, 100 - tail))
    elif full.any():
        out_low[full], out_high[full] = _percentiles(draws[full], (tail, 100 - tail))
    gaps = ok & ~full
    if gaps.any():
        out_low[gaps] = np.nanpercentile(draws[gaps], tail, axis=1)
        out_high[gaps] = np.nanpercentile(draws[gaps], 100 - tail, axis=1)
    return out_low, out_high


def _percentiles(rows: NDArray[np.floating[Any]], qs: tuple[float, ...]) -> list[NDArray[Any]]:
    """`np.percentile(rows, q, axis=1)` for each q (no NaN), bit for bit: numpy's virtual index
    (n - 1) q and its interpolation in the rows' dtype, after one np.partition for all q.

    The partition fixes the upper of the two order statistics of a low q and the lower one of a high
    q; the other is the largest value left of it (or the smallest right of it): half the kth."""
    n = rows.shape[1]
    spots = []
    for q in qs:
        v = (n - 1) * np.true_divide(q, 100)
        lo = int(np.floor(v))
        spots.append((lo, min(lo + 1, n - 1), float(v - lo)))
    kth = sorted({hi if hi <= n // 2 else lo for lo, hi, _ in spots})
    part = np.partition(rows, kth, axis=1)
    out = []
    for lo, hi, g in spots:
        if hi == lo:
            a = b = part[:, lo]
        elif hi in kth:
            a, b = part[:, :hi].max(axis=1), part[:, hi]
        else:
            a, b = part[:, lo], part[:, lo + 1 :].min(axis=1)
        diff = b - a
        out.append(b - diff * (1 - g) if g >= 0.5 else a + diff * g)
    return out
