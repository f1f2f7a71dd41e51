"""Seeded Monte Carlo: counts, survey values, professionals and weights drawn together, vectorised.

Each unit is simulated on its own and stops on its own precision, so its numbers depend only on its
own inputs: a run keeps them (`memo`) and the next run simulates only the units whose inputs
changed. Each unit x theme gets its own random stream derived from (seed, unit, theme), so adding or
removing a theme never changes the draws of another theme: only ranks (which compare themes) move.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import zlib
from collections.abc import Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import pdtr

from ivp_pipeline import forked, pages
from ivp_pipeline.forked import Forked
from ivp_pipeline.scoring.config import CRITERIA
from ivp_pipeline.scoring.model import F, Model, criteria_arrays, stack

# What each stream draws and in which order; part of every memo key. 2 (issue 13): the codes of a
# pair with the same harm weight drawn as one Poisson count (their sum; the criteria use no more),
# small integer draws in the professionals' bootstrap, only the needed 0-100 draws, a stop per unit.
# 3: a unit stops at SUFFICIENT draws at the latest (a last batch of 2,500 after 60,000).
SCHEME = 3


def stream(seed: int, *names: str) -> np.random.Generator:
    key = zlib.crc32("|".join(names).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed, key]))


# Draws are made in batches; after each batch a unit stops once every P(top 3) of it is known to within
# a Monte Carlo standard error of MAX_SE_P_TOP (two seeds then differ by less than 0.01 in all but
# about 1 in 2,000 themes), or when `draws` (the cap) is reached. See docs/method.md.
BATCH = 10_000
MIN_DRAWS = 20_000
MAX_SE_P_TOP = 0.002
# The draws after which every P(top n) has a standard error of at most MAX_SE_P_TOP whatever its
# value (p (1 - p) <= 1/4): no unit draws more, and the batch that would pass it is cut to end there.
SUFFICIENT = int(np.ceil(0.25 / MAX_SE_P_TOP**2 - 1e-9))

# Threads for the Monte Carlo (numpy's draws and array arithmetic release the GIL): at most the
# machine's cores, and 2 at most (`ivp score` shares the machine with its chart pool).
THREADS = max(1, min(2, os.cpu_count() or 1))
# A chunk of fewer unit x theme pairs than this is drawn in one thread: a small simulation (a sample
# run, or the one unit whose input changed) runs beside the other tables of `scoring.compute`, which
# keep the other core busy, so a second thread only adds contention; a large one (the chunks of a
# national run) outlasts them and gets the second core. Threads never change a number.
THREADED_PAIRS = 130
# Processes that simulate the units (forked.py; where fork is safe): the units to simulate are dealt
# in turn to this process and forked children, each simulating its share in chunks, one thread each.
# Threads share the GIL with the Python work of every batch: two gave a national run 1.14 times the
# speed of one for 1.3 times the CPU; two processes give nearly twice the speed for the same CPU. A
# unit's numbers do not depend on the units it is simulated with, so neither changes a number.
PROCESSES = max(1, min(2, os.cpu_count() or 1))
Pool = ThreadPoolExecutor
T = TypeVar("T")


def _runs(n: int, pool: Pool | None) -> list[range]:
    """0..n-1 in one contiguous run per thread of `pool` (one run without a pool)."""
    parts = max(1, min(THREADS if pool is not None else 1, n))
    bounds = np.linspace(0, n, parts + 1).astype(int)
    return [range(a, b) for a, b in itertools.pairwise(bounds.tolist()) if b > a]


def _each(pool: Pool | None, fn: Callable[[range], T], parts: list[range]) -> list[T]:
    """fn over each run, in threads when there is a pool and more than one run; results in order."""
    if pool is None or len(parts) < 2:
        return [fn(r) for r in parts]
    return list(pool.map(fn, parts))


@dataclass
class UnitSimulation:
    """What the Monte Carlo gives one unit (its pairs in the order of the unit's rows of m.pairs)."""

    low: dict[str, F]  # profile -> (P,) lower end of the score interval
    high: dict[str, F]  # profile -> (P,) upper end
    rank_dist: dict[str, F]  # profile -> (P, ranks of the unit): share of draws per rank, NaN: unranked
    professionals: tuple[F, F]  # (P,) interval of the professionals' mean rating
    draws: int  # the draws made (adaptive stop, at most the cap)


@dataclass
class Simulation:
    low: dict[str, F]  # profile -> (P,) lower end of the score interval
    high: dict[str, F]  # profile -> (P,) upper end
    rank_dist: dict[str, F]  # profile -> (P, max rank): share of draws per rank, NaN rows = unranked
    professionals: tuple[F, F]  # (P,) interval of the professionals' mean rating
    draws: int  # the most draws made by a unit (adaptive stop, at most the configured cap)


@pages.huge_pages(True)  # it sweeps the same large arrays batch after batch (core pages.py)
def simulate(
    m: Model,
    profiles: dict[str, F],
    groups: list[NDArray[np.int64]],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int = 3,
    memo: MutableMapping[str, UnitSimulation] | None = None,
) -> Simulation:
    """Batches of draws until every P(top n) of a unit has a standard error <= MAX_SE_P_TOP (at
    least MIN_DRAWS, at most SUFFICIENT), or `draws` in all, each unit (a run of rows of m.pairs)
    stopping on its own; the same seed and inputs always stop at the same point.

    `groups` are the pairs ranked together (within one unit each). `memo` maps `unit_key` to the
    simulation of a unit: units found there are not simulated again; afterwards it holds the units of
    this run. The others are simulated together in chunks of whole units (bounded memory); a unit's
    numbers do not depend on the units it is simulated with.
    """
    max_rank = max((len(g) for g in groups), default=0)
    units = []
    for idx in _units(m):
        pos, sub_groups = _within(idx, groups, m.n_pairs)
        key = unit_key(_subset(m, idx, pos), sub_groups, profiles, seed, draws, concentration, top_n)
        units.append((idx, key))
    kept = memo or {}
    found = {key: kept[key] for idx, key in units if key in kept and _fits(kept[key], len(idx), profiles)}
    todo = [(idx, key) for idx, key in units if key not in found]
    processes = min(PROCESSES if forked.FORK else 1, len(todo))
    shares = [todo[i::processes] for i in range(processes)]  # dealt in turn: about equal work
    run = functools.partial(_simulate_units, m, groups, profiles, seed, draws, concentration, top_n)
    children = [Forked(functools.partial(run, share, 1)) for share in shares[1:]]
    try:
        if shares:
            found.update(run(shares[0], THREADS if processes == 1 else 1))
        for child in children:
            found.update(child.result())
    finally:
        for child in children:
            child.close()
    if memo is not None:  # afterwards the memo holds the units of this run, and only those
        memo.clear()
        memo.update(found)

    low = {n: np.full(m.n_pairs, np.nan) for n in profiles}
    high = {n: np.full(m.n_pairs, np.nan) for n in profiles}
    dist = {n: np.full((m.n_pairs, max_rank), np.nan) for n in profiles}
    p_low, p_high = np.full(m.n_pairs, np.nan), np.full(m.n_pairs, np.nan)
    for idx, key in units:
        sim = found[key]
        for n in profiles:
            low[n][idx], high[n][idx] = sim.low[n], sim.high[n]
            width = sim.rank_dist[n].shape[1]
            dist[n][idx, :width] = sim.rank_dist[n]
            dist[n][idx[~np.isnan(sim.rank_dist[n][:, 0])], width:] = 0.0  # ranks a unit has not
        p_low[idx], p_high[idx] = sim.professionals
    done = max((found[key].draws for _, key in units), default=0)
    return Simulation(low, high, dist, (p_low, p_high), done)


def _simulate_units(
    m: Model,
    groups: list[NDArray[np.int64]],
    profiles: dict[str, F],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int,
    units: list[tuple[NDArray[np.int64], str]],
    threads: int,
) -> dict[str, UnitSimulation]:
    """The simulation of each of `units` ((rows of m.pairs, unit key)), in chunks of whole units."""
    found: dict[str, UnitSimulation] = {}
    for chunk in _chunks(units, CHUNK_PAIRS):
        idx = np.concatenate([i for i, _ in chunk])
        pos, sub_groups = _within(idx, groups, m.n_pairs)
        sub = _subset(m, idx, pos)
        sims = _simulate(sub, profiles, sub_groups, seed, draws, concentration, top_n, threads)
        found.update({key: sim for (_, key), sim in zip(chunk, sims, strict=True)})
    return found


def _within(
    rows: NDArray[np.int64], groups: list[NDArray[np.int64]], n_pairs: int
) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
    """The position of each pair among `rows` (-1 for the others), and the groups of whole units
    among them, numbered by those positions."""
    pos = np.full(n_pairs, -1)
    pos[rows] = np.arange(len(rows))
    return pos, [pos[g] for g in groups if len(g) and pos[g[0]] >= 0]


def _fits(sim: UnitSimulation, n_pairs: int, profiles: dict[str, F]) -> bool:
    """A kept simulation has the unit's pairs and every profile (a damaged memo is simulated again)."""
    return all(
        name in sim.low
        and name in sim.high
        and name in sim.rank_dist
        and sim.low[name].shape == sim.high[name].shape == (n_pairs,)
        and sim.rank_dist[name].ndim == 2
        and len(sim.rank_dist[name]) == n_pairs
        for name in profiles
    ) and all(np.shape(a) == (n_pairs,) for a in sim.professionals)


# Pairs simulated together: units in chunks of about this many pairs, so memory stays bounded.
CHUNK_PAIRS = 260


def _chunks(
    units: list[tuple[NDArray[np.int64], str]], size: int
) -> list[list[tuple[NDArray[np.int64], str]]]:
    """Whole units in runs of about `size` pairs (a unit larger than `size` is a chunk of its own)."""
    chunks: list[list[tuple[NDArray[np.int64], str]]] = []
    pairs = 0
    for unit in units:
        if chunks and pairs + len(unit[0]) <= size:
            chunks[-1].append(unit)
            pairs += len(unit[0])
        else:
            chunks.append([unit])
            pairs = len(unit[0])
    return chunks


def unit_key(
    m: Model,
    groups: list[NDArray[np.int64]],
    profiles: dict[str, F],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int,
) -> str:
    """sha256 of everything the simulation of one unit's model `m` reads, and of SCHEME."""
    h = hashlib.sha256(f"ivp-montecarlo-{SCHEME}\0{seed}\0{draws}\0{concentration!r}\0{top_n}\0".encode())

    def feed(a: NDArray[Any]) -> None:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}\0".encode())
        h.update(a.tobytes())

    for name in sorted(profiles):
        h.update(f"{name}\0".encode())
        feed(profiles[name])
    h.update("\0".join(f"{u}|{t}" for u, t in zip(m.pairs["unit"], m.pairs["theme"], strict=True)).encode())
    for a in (m.code_pair, m.code_x, m.code_w, m.x0, m.py1, m.py0, m.ref_x, m.ref_py):
        feed(a)
    for a in (m.ind_pair, m.ind_value, m.ind_comp, m.ind_margin, m.ind_sign, m.local_pair, m.local_scaled):
        feed(a)
    for p in sorted(m.prof_groups):
        h.update(f"prof {p} {len(m.prof_groups[p])}\0".encode())
        for g in m.prof_groups[p]:
            feed(g)
    for ranked in groups:
        feed(np.asarray(ranked, dtype=np.int64))
    return h.hexdigest()


def _units(m: Model) -> list[NDArray[np.int64]]:
    """Pair indices of each unit (units are contiguous runs of m.pairs)."""
    units = m.pairs["unit"].to_numpy()
    if not len(units):
        return []
    starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
    bounds = [*starts.tolist(), len(units)]
    return [np.arange(a, b) for a, b in itertools.pairwise(bounds)]


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


def merged_codes(m: Model) -> Model:
    """The model with the codes of each pair that share a harm weight merged into one, whose count is
    their sum: the criteria read the codes only through the count and the harm-weighted count of a
    pair, and a sum of independent Poisson counts is a Poisson count with the summed mean, so one
    draw per (pair, weight) has the distribution of the draws of each code (and needs fewer)."""
    if not len(m.code_pair):
        return m
    keys, inverse = np.unique(np.stack([m.code_pair.astype(float), m.code_w]), axis=1, return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=m.code_x, minlength=keys.shape[1]).astype(float)
    return replace(m, code_pair=keys[0].astype(np.int64), code_x=sums, code_w=keys[1])


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


@dataclass
class Batch:
    """One batch of draws of the observed values and of the 0-100 fills of missing criteria, a row
    per value (each pair's draws are contiguous: its stream writes them in one sweep)."""

    code_x: F  # (K, D) code counts
    x0: F  # (P, D) baseline counts
    ind: F  # (I, D) survey values
    prof: F  # (P, D) professional means
    fill: Fills


def draw_values(
    m: Model,
    layout: Layout,
    d: int,
    rngs: list[np.random.Generator],
    pool: Pool | None = None,
    reuse: Batch | None = None,
) -> Batch:
    """`d` draws of every observed value, pair by pair from the pair's own stream.

    Per pair, in this order: each code's count from a Poisson with the observed count as mean
    (parametric bootstrap; a count of 0 is 0 in every draw and takes nothing from the stream), the
    baseline count likewise, the survey values from a normal with SE = margin / 1.96 (the margin is
    the half-width of a 95 % interval), the professionals' two-stage bootstrap, then one row of d
    uniform 0-100 values for each missing criterion, in the order of CRITERIA. With a `pool`, runs of
    pairs are drawn in threads; each pair keeps its own stream, so the numbers do not depend on them.

    `reuse`: the previous batch of the same model, layout and `d`, whose arrays are overwritten (the
    rows that no draw writes, a count of 0 and the NaN of a missing value, are the same in every
    batch): no new pages to fault in and no NaN to write per batch.
    """
    fill_p, fill_c = np.nonzero(layout.unknown.T)  # pair by pair, criteria in the order of CRITERIA
    fill_at = np.searchsorted(fill_p, np.arange(m.n_pairs + 1))
    if reuse is not None and reuse.x0.shape == (m.n_pairs, d):
        code_x, x0, ind, prof, fills = reuse.code_x, reuse.x0, reuse.ind, reuse.prof, reuse.fill.values
    else:
        code_x = np.zeros((len(m.code_x), d))
        x0 = np.full((m.n_pairs, d), np.nan)
        ind = np.empty((len(m.ind_value), d))
        prof = np.full((m.n_pairs, d), np.nan)
        fills = np.empty((len(fill_p), d))

    def run(pairs: range) -> None:
        for p in pairs:
            rng = rngs[p]
            k = layout.codes[p]
            k = k[m.code_x[k] > 0]
            if len(k):
                poisson(rng, m.code_x[k], d, out=code_x, rows=k)
            if m.x0[p] > 0:
                poisson(rng, m.x0[p : p + 1], d, out=x0, rows=[p])
            elif m.x0[p] == 0:
                x0[p] = 0.0
            i = layout.indicators[p]
            if len(i):
                # rng.normal(value, se, (d, n)): value + se z of the same standard normal z, whose
                # draw alone skips the per-value broadcasting of numpy's normal (4x dearer)
                z = rng.standard_normal((d, len(i))).T
                ind[i] = z * (m.ind_margin[i] / 1.96)[:, None] + m.ind_value[i][:, None]
            groups = m.prof_groups.get(p)
            if groups:
                prof[p] = bootstrap_professionals(groups, rng, d)
            for r in range(fill_at[p], fill_at[p + 1]):
                # rng.uniform(0, 100) is 0 + 100 u of the same uniform u: drawn in place
                row = fills[r]
                rng.random(out=row)
                row *= 100.0

    _each(pool, run, _runs(len(rngs), pool))
    return Batch(code_x, x0, ind, prof, Fills(fill_c.astype(np.int64), fill_p.astype(np.int64), fills))


def poisson(
    rng: np.random.Generator,
    lam: F,
    d: int,
    out: F | None = None,
    rows: NDArray[np.int64] | list[int] | range | None = None,
) -> F:
    """(len(lam), d) Poisson counts with means `lam` (> 0), a row per mean, by inversion: one uniform
    per count, mapped through the count's distribution function (`PoissonTable`). One 53-bit uniform
    costs a fraction of a rejection sampler's draw; the counts have the Poisson distribution exactly,
    up to a probability below 1e-20 in the far tails (docs/method.md). With `out`, the counts go to
    its rows `rows` (and `out` is returned)."""
    u = rng.random((len(lam), d))
    if out is None:
        out, rows = np.empty((len(lam), d)), range(len(lam))
    assert rows is not None
    for j, (row, mean) in enumerate(zip(rows, lam.tolist(), strict=True)):
        _table(mean).counts(u[j], out[row])
    return out


@dataclass(frozen=True)
class PoissonTable:
    """The distribution function of a Poisson count on first + 0..n-1, and a guide for inversion:
    guide[b] is the smallest count whose distribution function exceeds b / len(guide)."""

    first: int
    cdf: F
    guide: NDArray[np.intp]
    values: F  # first + 0..n-1 as floats: the count of each place of cdf

    @classmethod
    def of(cls, mean: float) -> PoissonTable:
        # counts more than 10 standard deviations (+ 10) from the mean have a probability below 1e-20
        spread = 10.0 * np.sqrt(mean) + 10.0
        first = max(0, int(np.floor(mean - spread)))
        k = np.arange(first, int(np.ceil(mean + spread)) + 1)
        cdf = pdtr(k, mean)
        cdf[-1] = 1.0  # a uniform in [0, 1) never passes the last count
        size = max(64, 4 * len(k))
        guide = np.searchsorted(cdf, np.arange(size) / size, side="right")
        return cls(first, cdf, guide, k.astype(float))

    def counts(self, u: F, out: F | None = None) -> F:
        """The smallest count whose distribution function exceeds each uniform `u` (into `out`)."""
        x = self.guide[(u * len(self.guide)).astype(np.intp)]
        off = self.cdf[x] <= u  # the bucket of u holds a step of the distribution function
        if off.any():
            x[off] = np.searchsorted(self.cdf, u[off], side="right")
        return np.take(self.values, x, out=out)


@functools.lru_cache(maxsize=4096)
def _table(mean: float) -> PoissonTable:
    return PoissonTable.of(mean)


def _index_dtype(n: int) -> type[np.unsignedinteger[Any]]:
    """The smallest unsigned type for indices 0..n-1: numpy draws small types several to a 64-bit
    step, where int64 costs one step (and a 64-bit multiplication) per index."""
    return np.uint8 if n <= 256 else np.uint16 if n <= 65_536 else np.uint32


def bootstrap_professionals(groups: list[F], rng: np.random.Generator, draws: int) -> F:
    """Two-stage bootstrap: organisation types drawn with replacement, then respondents within each.

    Types keep equal weight. Resampling the types too matters because a type often has a single
    respondent, whose rating a within-type bootstrap could never vary (and that draw takes nothing
    from the stream: it is left out).
    """
    if all(len(g) == 1 for g in groups):
        ratings = np.array([g[0] for g in groups], dtype=float)
        pick = rng.integers(0, len(groups), size=(draws, len(groups)), dtype=_index_dtype(len(groups)))
        return ratings[pick].mean(axis=1)
    per_type = np.stack(
        [
            np.full(draws, g[0])
            if len(g) == 1
            else g[rng.integers(0, len(g), size=(draws, len(g)), dtype=_index_dtype(len(g)))].mean(axis=1)
            for g in groups
        ],
        axis=1,
    )  # (D, T)
    pick = rng.integers(0, len(groups), size=(draws, len(groups)), dtype=_index_dtype(len(groups)))
    return np.take_along_axis(per_type, pick.astype(np.intp), axis=1).mean(axis=1)


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


# A batch is scored BLOCK_CELLS draws x pairs at a time (at least MIN_BLOCK draws): arrays that stay
# in the CPU cache. Blocks only split the arithmetic: the draws, and so the numbers, stay the same.
BLOCK_CELLS = 1 << 16
MIN_BLOCK = 256


@dataclass
class _Scoring:
    """Scores and rank counts of a batch, computed a block of draws at a time (a run of blocks per
    thread, each thread its own buffer and counts; each block writes its own draws' scores)."""

    m: Model
    groups: list[NDArray[np.int64]]
    max_rank: int
    batch: Batch
    weights: dict[str, F]
    scores: dict[str, NDArray[np.float32]]  # profile -> (P, D) of the batch
    step: int

    def run(self, blocks: range) -> dict[str, F]:
        """Rank counts per profile over the blocks."""
        m, batch = self.m, self.batch
        fill = batch.fill
        counts = {n: np.zeros((m.n_pairs, self.max_rank)) for n in self.weights}
        buffer = np.empty((len(CRITERIA), m.n_pairs, self.step))
        volume = CRITERIA.index("volume")
        d = batch.x0.shape[1]
        coverage: tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.intp]] | None = None
        for b in blocks:
            lo, hi = b * self.step, min(d, (b + 1) * self.step)
            local_fill = None
            if len(m.local_pair):
                # an unknown local figure (named by the catalogue) is drawn like a missing criterion
                rows = np.zeros((m.n_pairs, hi - lo))
                vol = fill.criterion == volume
                rows[fill.pair[vol]] = fill.values[vol, lo:hi]
                local_fill = rows.T
            # the draws are stored value by value: their (D, K) views give criteria stored pair by
            # pair, and the whole block is scored and ranked in that layout (C, P, D)
            crit = criteria_arrays(
                m,
                batch.code_x[:, lo:hi].T,
                batch.x0[:, lo:hi].T,
                batch.ind[:, lo:hi].T,
                batch.prof[:, lo:hi].T,
                local_fill,
            )
            s = buffer[:, :, : hi - lo]
            for c, name in enumerate(CRITERIA):
                s[c] = crit[name].T
            del crit
            # which criteria a pair has is the same in every draw (Layout.unknown takes it from the
            # point estimate): read it from the block's first draw, then fill the missing ones
            avail = ~np.isnan(s[:, :, 0])  # (C, P)
            if len(fill.pair):
                missing = ~avail[fill.criterion, fill.pair]  # a local figure's row fills in criteria_arrays
                rc, rp = fill.criterion[missing], fill.pair[missing]
                if not np.isnan(s[rc, rp]).all():
                    raise AssertionError("a criterion missing in the first draw but not in every draw")
                s[rc, rp] = fill.values[missing, lo:hi]
            if not np.isfinite(s.sum()):  # criteria are 0-100: only a NaN makes the sum not finite
                raise AssertionError("a criterion missing in a draw but not in the point estimate")
            if coverage is None or not np.array_equal(avail, coverage[0]):
                coverage = (avail, *np.unique(avail.T, axis=0, return_inverse=True))
            for name, w in self.weights.items():
                sc = combine(s, coverage[1], coverage[2], w[lo:hi])  # (P, D)
                self.scores[name][:, lo:hi] = sc  # in float32: percentiles need no more
                counts[name] += rank_counts(sc, self.groups, self.max_rank)
        return counts


@dataclass
class _Unit:
    """The draws of one unit so far (its pairs are rows `rows` of the model simulated)."""

    rows: NDArray[np.int64]
    groups: list[NDArray[np.int64]]  # its ranked pairs, as indices into `rows`
    counts: dict[str, F]
    scores: dict[str, list[NDArray[np.float32]]]
    rated: NDArray[np.intp]  # its pairs with professionals' ratings (the others have none in any draw)
    profs: list[NDArray[np.float32]]  # the draws of the rated pairs' mean rating


def _simulate(
    m: Model,
    profiles: dict[str, F],
    groups: list[NDArray[np.int64]],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int,
    threads: int = THREADS,
) -> list[UnitSimulation]:
    """The units of `m` (runs of its rows), drawn batch by batch together until each is precise (in
    `threads` threads for a chunk of at least THREADED_PAIRS pairs)."""
    rngs = [stream(seed, str(u), str(t)) for u, t in zip(m.pairs["unit"], m.pairs["theme"], strict=True)]
    wrngs = {name: stream(seed, "weights", name) for name in profiles}
    m = merged_codes(m)
    units = []
    for rows in _units(m):
        _, own = _within(rows, groups, m.n_pairs)
        width = max((len(g) for g in own), default=0)
        rated = np.flatnonzero([int(r) in m.prof_groups for r in rows])
        counts = {n: np.zeros((len(rows), width)) for n in profiles}
        units.append(_Unit(rows, own, counts, {n: [] for n in profiles}, rated, []))
    out: list[UnitSimulation | None] = [None] * len(units)
    active = list(range(len(units)))
    done = 0
    with ThreadPoolExecutor(max(1, threads)) as executor:
        pool = executor if threads > 1 and m.n_pairs >= THREADED_PAIRS else None
        simulated: list[int] = []  # the units of `sub`: made again only when a unit has stopped
        while active:
            d = min(BATCH, draws - done, SUFFICIENT - done)  # an active unit has done fewer than both
            if active != simulated:
                idx = np.concatenate([units[u].rows for u in active])
                pos = np.full(m.n_pairs, -1)
                pos[idx] = np.arange(len(idx))
                sub = _subset(m, idx, pos)
                sub_groups = [pos[g] for g in groups if len(g) and pos[g[0]] >= 0]
                max_rank = max((len(g) for g in sub_groups), default=0)
                layout, sub_rngs, simulated = Layout.of(sub), [rngs[i] for i in idx], active
                batch = None
            batch = draw_values(sub, layout, d, sub_rngs, pool, batch)
            weights = {n: draw_weights(w, concentration, seed, n, d, wrngs[n]) for n, w in profiles.items()}
            batch_scores = {n: np.empty((sub.n_pairs, d), dtype=np.float32) for n in profiles}
            step = max(MIN_BLOCK, BLOCK_CELLS // max(sub.n_pairs, 1))
            n_blocks = -(-d // step)
            scored = _Scoring(sub, sub_groups, max_rank, batch, weights, batch_scores, step)
            counts = {n: np.zeros((sub.n_pairs, max_rank)) for n in profiles}
            for part in _each(pool, scored.run, _runs(n_blocks, pool)):  # whole numbers: any order
                for name in profiles:
                    counts[name] += part[name]
            done += d
            still = []
            for u in active:
                unit = units[u]
                at = pos[unit.rows]
                for name in profiles:
                    width = unit.counts[name].shape[1]
                    unit.counts[name] += counts[name][at, :width]
                    unit.scores[name].append(batch_scores[name][at])
                unit.profs.append(batch.prof[at[unit.rated]].astype(np.float32))
                if done < min(draws, SUFFICIENT) and not (
                    done >= MIN_DRAWS and _precise(unit.counts, done, top_n)
                ):
                    still.append(u)
                else:
                    out[u] = _finish(unit, done)
            active = still
    return [sim for sim in out if sim is not None]


def _finish(unit: _Unit, done: int) -> UnitSimulation:
    """A unit's intervals and rank distribution from its draws."""
    unranked = np.ones(len(unit.rows), dtype=bool)
    for g in unit.groups:
        unranked[g] = False
    dist = {}
    for name, c in unit.counts.items():
        share = c / done
        share[unranked | (c.sum(axis=1) == 0)] = np.nan  # never ranked: no score in any draw
        dist[name] = share
    bounds = {n: interval_rows(np.concatenate(v, axis=1)) for n, v in unit.scores.items()}
    p_low, p_high = np.full(len(unit.rows), np.nan), np.full(len(unit.rows), np.nan)
    if len(unit.rated):
        p_low[unit.rated], p_high[unit.rated] = interval_rows(np.concatenate(unit.profs, axis=1))
    return UnitSimulation(
        {n: b[0] for n, b in bounds.items()},
        {n: b[1] for n, b in bounds.items()},
        dist,
        (p_low, p_high),
        done,
    )


def combine(s: F, patterns: NDArray[np.bool_], of_pair: NDArray[np.intp], weights: F) -> F:
    """`model.weighted_scores(s, weights, fill)[0].T` for the criteria (C, P, D) (pair by pair) with
    the fills already in `s`; (P, D). The products are summed criterion by criterion, as np.sum over
    the criteria does (and einsum: the same bits), in place; a criterion whose weight is 0 in every
    draw adds +0.0 to a sum >= 0 and is left out. Which criteria a pair has is the same in every
    draw: `patterns` (n, C) are the distinct ones, `of_pair` (P,) the pattern of each pair (np.unique
    of the (P, C) availability).

    Coverage (the available weight) only decides whether a pair has a score; it is summed once per
    pattern, not per pair."""
    uncovered = (weights @ patterns.T.astype(float) <= 1e-12).T  # (patterns, D)
    total = np.zeros(s.shape[1:])
    term = np.empty(s.shape[1:])
    for c in np.flatnonzero(weights.any(axis=0)).tolist():
        total += np.multiply(s[c], weights[:, c], out=term)
    total /= weights.sum(axis=1)
    of_pair = of_pair.reshape(-1)
    some = np.flatnonzero(uncovered.any(axis=1)[of_pair])  # pairs unscored in some draw
    if len(some):
        total[some] = np.where(uncovered[of_pair[some]], np.nan, total[some])
    return total


def rank_counts(scores: F, groups: list[NDArray[np.int64]], max_rank: int) -> F:
    """(P, max_rank): in how many draws (columns of `scores`, (P, D)) each pair had rank 1, 2, ...
    (the ranks of `model.ranks`: 1 + the number of scored pairs of its group with a higher score,
    compared after rounding to 9 decimals), counted without building them.

    Pair-major: each comparison runs along a pair's contiguous draws (`model.rank_table`, draw-major,
    compares runs as short as a group), on 8-bit counters in place. The scores are compared as
    rint(score 1e9), the steps of np.round(score, 9) before its division by 1e9, which keeps every
    order and tie (distinct integers below 2^53 stay distinct after the division). An unscored pair
    or a padding place is counted in an extra rank column that is dropped."""
    n_pairs = scores.shape[0]
    kept = tuple(np.asarray(g, dtype=np.int64).tobytes() for g in groups if len(g))
    layout = _rank_layout(kept, n_pairs, max_rank)
    if layout is None:
        return np.zeros((n_pairs, max_rank))
    take, pad, base = layout
    width = take.shape[1]
    key = scores[take]  # (G, W, D)
    np.multiply(key, 1e9, out=key)
    np.rint(key, out=key)
    key[pad] = np.nan
    unscored = np.isnan(key)
    some = bool(unscored.any())  # mostly none: every pair of the block scored in every draw
    if some:
        np.copyto(key, -np.inf, where=unscored)  # an unscored pair is never higher
    higher = np.zeros(key.shape, dtype=np.int8 if max_rank < 127 else np.int64)
    beats = np.empty(key.shape, dtype=bool)
    for j in range(width):  # how many pairs j beat each pair
        np.greater(key[:, j : j + 1], key, out=beats)
        higher += beats
    if some:
        np.copyto(higher, max_rank, where=unscored, casting="unsafe")
    cells = np.add(higher, base[:, :, None], dtype=np.intp)
    counts = np.bincount(cells.reshape(-1), minlength=(n_pairs + 1) * (max_rank + 1))
    return counts.reshape(n_pairs + 1, max_rank + 1)[:n_pairs, :max_rank].astype(float)


@functools.lru_cache(maxsize=64)
def _rank_layout(
    groups: tuple[bytes, ...], n_pairs: int, max_rank: int
) -> tuple[NDArray[np.intp], NDArray[np.bool_], NDArray[np.intp]] | None:
    """The groups padded to the widest: `take` (G, W) the pair at each place (0 at padding), `pad`
    where the padding is, and `base` (G, W) the first cell of each place's pair in the rank counts
    (for max_rank + 1 columns; padding counts in a row past the last pair). None without groups."""
    if not groups:
        return None
    rows = [np.frombuffer(g, dtype=np.int64) for g in groups]
    width = max(len(g) for g in rows)
    index = np.full((len(rows), width), n_pairs, dtype=np.intp)
    for r, g in enumerate(rows):
        index[r, : len(g)] = g
    pad = index == n_pairs
    return np.where(pad, 0, index), pad, index * (max_rank + 1)


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
    (n - 1) q and its interpolation, in the rows' dtype, between the two order statistics around it
    (`_order_stats`)."""
    n = rows.shape[1]
    spots = []
    for q in qs:
        v = (n - 1) * np.true_divide(q, 100)
        lo = int(np.floor(v))
        spots.append((lo, min(lo + 1, n - 1), float(v - lo)))
    stats = _order_stats(rows, sorted({i for lo, hi, _ in spots for i in (lo, hi)}))
    out = []
    for lo, hi, g in spots:
        a, b = stats[lo], stats[hi]
        diff = b - a
        out.append(b - diff * (1 - g) if g >= 0.5 else a + diff * g)
    return out


# Rows of at least this many draws select their tail order statistics from a prefiltered candidate
# set; shorter ones take one np.partition (`_order_stats`).
PREFILTER_DRAWS = 4096
SAMPLE_STRIDE = 16


def _order_stats(rows: NDArray[np.floating[Any]], ranks: list[int]) -> dict[int, NDArray[Any]]:
    """The order statistics `ranks` (0-based, ascending) of each row (no NaN), exactly.

    A long row is not partitioned whole: the tails' ranks lie among its few smallest or largest
    values. Every SAMPLE_STRIDE-th value gives a threshold per tail that leaves, with a margin of
    four binomial standard deviations, more values beyond it than the tail's ranks need; the values
    beyond the thresholds (one comparison pass and one compaction) are partitioned per row. A value
    beyond a threshold is smaller (larger) than every other value, so its rank among them is its
    rank in the row. A row whose threshold left too few values (the margin failed) is partitioned
    whole: the numbers never depend on the shortcut. np.partition of a 70,000-draw row costs some
    15 ns a value, the prefilter about 3."""
    n_rows, n = rows.shape
    low = [i for i in ranks if i < n // 2]
    high = [i for i in ranks if i >= n // 2]
    if n < PREFILTER_DRAWS or not n_rows:
        part = np.partition(rows, ranks, axis=1)
        return {i: part[:, i] for i in ranks}
    sample = rows[:, ::SAMPLE_STRIDE]
    m = sample.shape[1]

    def place(need: int) -> int:  # the sample's order statistic that leaves `need` values beyond it
        per = need / SAMPLE_STRIDE
        return min(m - 1, int(per + 4.0 * np.sqrt(per) + 4.0))

    need_low = max(low) + 1 if low else 0
    need_high = n - min(high) if high else 0
    at_low, at_high = place(need_low), m - 1 - place(need_high)
    cut = np.partition(sample, sorted({at_low, at_high}), axis=1)
    t_low, t_high = cut[:, at_low : at_low + 1], cut[:, at_high : at_high + 1]
    below, above = rows <= t_low, rows >= t_high
    n_below, n_above = below.sum(axis=1), above.sum(axis=1)
    either = below | above
    flat = rows[either]  # row by row, in draw order
    ends = np.cumsum(either.sum(axis=1))
    out = {i: np.empty(n_rows, dtype=rows.dtype) for i in ranks}
    for r in range(n_rows):
        if n_below[r] < need_low or n_above[r] < need_high:
            part = np.partition(rows[r], ranks)
            for i in ranks:
                out[i][r] = part[i]
            continue
        cand = flat[(ends[r - 1] if r else 0) : ends[r]]
        if low:
            part = np.partition(cand[cand <= t_low[r, 0]], low)
            for i in low:
                out[i][r] = part[i]
        if high:
            top = cand[cand >= t_high[r, 0]]
            shift = n - len(top)  # values below the high threshold rank before every one of these
            part = np.partition(top, [i - shift for i in high])
            for i in high:
                out[i][r] = part[i - shift]
    return out
