"""The scoring model as arrays: criteria on their fixed scales, for one estimate or many draws.

The same functions score the point estimate (one 'draw' of the observed values) and the Monte Carlo
draws, so the interval always belongs to the number it surrounds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ivp_pipeline.scoring import scales
from ivp_pipeline.scoring.config import CRITERIA

if TYPE_CHECKING:
    import pandas as pd

F = NDArray[np.float64]


@dataclass
class Model:
    """Everything the criteria need, per pair p = (unit, theme), code k and survey indicator i."""

    pairs: pd.DataFrame  # columns unit, theme; row number = p
    code_pair: NDArray[np.int64]  # (K,) pair of each code count
    code_x: F  # (K,) latest-window count per code
    code_w: F  # (K,) harm weight per code
    x0: F  # (P,) baseline count (NaN: no baseline)
    py1: F  # (P,) person-years latest window (NaN/0: no police figures)
    py0: F  # (P,) person-years baseline
    ref_x: F  # (P,) reference area count in the latest window (NaN: no reference)
    ref_py: F  # (P,) reference area person-years
    ind_pair: NDArray[np.int64]  # (I,)
    ind_value: F  # (I,)
    ind_comp: F  # (I,) comparison value
    ind_margin: F  # (I,) half-width of the 95 % interval
    ind_sign: F  # (I,) +1 higher is worse, -1 higher is better
    prof_groups: dict[int, list[F]] = field(default_factory=dict)  # pair -> ratings per org type
    # local figures the catalogue names for a theme (scoring/localfigures.py volume_inputs), one per j:
    # the pair and the scaled rate on the volume scale (NaN: unknown). Empty: none named (the default).
    local_pair: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    local_scaled: F = field(default_factory=lambda: np.zeros(0))

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    def prof_point(self) -> F:
        out = np.full(self.n_pairs, np.nan)
        for p, groups in self.prof_groups.items():
            out[p] = float(np.mean([g.mean() for g in groups]))
        return out


def _sum_by_pair(values: F, pair: NDArray[np.int64], n_pairs: int) -> F:
    """values (D, K) summed into (D, P) by the pair of each column, in column order per pair.

    Slot by slot (the first column of every pair, then the second, ...): O(D K), where a one-hot
    matrix product costs O(D K P); the same sums, added in the same order. Values stored column by
    column (the transpose of a (K, D) array: the Monte Carlo's draws) are summed row by row of that
    array, and the sums come back in the same layout ((P, D) transposed).
    """
    if values.ndim == 2 and values.shape[0] > 1 and values.strides[0] < values.strides[1]:
        rows = values.T
        out_rows = np.zeros((n_pairs, rows.shape[1]))
        if len(rows):
            for cols, targets in _slots(pair.astype(np.int64, copy=False).tobytes(), n_pairs):
                out_rows[targets] += rows[cols]
        return out_rows.T
    out = np.zeros((values.shape[0], n_pairs))
    if not values.shape[1]:
        return out
    for cols, targets in _slots(pair.astype(np.int64, copy=False).tobytes(), n_pairs):
        out[:, targets] += values[:, cols]
    return out


def _sum_codes(code_x: F, code_w: F, pair: NDArray[np.int64], n_pairs: int) -> tuple[F, F]:
    """(`_sum_by_pair(code_x, pair)`, `_sum_by_pair(code_x * code_w, pair)`), the same sums bit for
    bit, in one sweep over the Monte Carlo's draws (code_x stored code by code: the transpose of a
    (K, D) array): each slot's counts are gathered once for both sums, and the first slot is put in
    place rather than added to zeros (0 + v is v: counts and weights are never -0.0)."""
    if not (code_x.ndim == 2 and code_x.shape[0] > 1 and code_x.strides[0] < code_x.strides[1]):
        return _sum_by_pair(code_x, pair, n_pairs), _sum_by_pair(code_x * code_w, pair, n_pairs)
    rows = code_x.T
    counts = np.zeros((n_pairs, rows.shape[1]))
    harm = np.zeros((n_pairs, rows.shape[1]))
    if len(rows):
        for j, (cols, targets) in enumerate(_slots(pair.astype(np.int64, copy=False).tobytes(), n_pairs)):
            v = rows[cols]
            if j == 0:
                counts[targets] = v
                v *= code_w[cols][:, None]
                harm[targets] = v
            else:
                counts[targets] += v
                v *= code_w[cols][:, None]
                harm[targets] += v
    return counts.T, harm.T


def _known(ok: NDArray[np.bool_], values: F) -> F:
    """`values` where `ok`, NaN elsewhere (`values` itself when every value is ok)."""
    return values if ok.all() else np.where(ok, values, np.nan)


@functools.lru_cache(maxsize=64)
def _slots(pair_bytes: bytes, n_pairs: int) -> list[tuple[NDArray[np.intp], NDArray[np.int64]]]:
    """(columns, their pairs) of each slot: the first column of every pair, then the second, ...
    Kept per pair array (the Monte Carlo sums the same layout for every block of draws)."""
    pair = np.frombuffer(pair_bytes, dtype=np.int64)
    order = np.argsort(pair, kind="stable")
    starts = np.searchsorted(pair[order], np.arange(n_pairs))
    slot = np.empty(len(pair), dtype=np.int64)
    slot[order] = np.arange(len(pair)) - starts[pair[order]]
    out = []
    for j in range(int(slot.max()) + 1):
        cols = np.flatnonzero(slot == j)  # at most one column per pair
        out.append((cols, pair[cols]))
    return out


def criteria_arrays(
    m: Model, code_x: F, x0: F, ind_value: F, prof_mean: F, local_fill: F | None = None
) -> dict[str, F]:
    """Scaled criteria (D, P) for D sets of values; NaN where a criterion is not available. Draws
    stored value by value (transposes of (K, D) arrays) give criteria stored pair by pair.

    Where the catalogue names local figures for a theme, the volume criterion is the mean of the
    police volume and each named figure on the same scale. An unknown figure takes the police volume
    itself in the point estimate (`local_fill` None: it neither lifts nor lowers) and `local_fill`
    (D, P), a uniform 0-100 draw, in the Monte Carlo (it widens the interval). Without police
    figures the volume stays unknown: a local figure never stands in for them.
    """
    n_pairs = m.n_pairs
    has_code = np.zeros(n_pairs, dtype=bool)
    has_code[m.code_pair] = True
    police_ok = has_code & (m.py1 > 0)
    x1, harm1 = _sum_codes(code_x, m.code_w, m.code_pair, n_pairs)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = x1 / m.py1 * 1000.0
        harm_rate = harm1 / m.py1 * 1000.0
        trend_ok = police_ok & ~np.isnan(m.x0) & (m.py0 > 0)
        comp_ok = police_ok & ~np.isnan(m.ref_x) & (m.ref_py > 0)
        out = {
            "volume": _known(police_ok, scales.volume(rate)),
            "harm": _known(police_ok, scales.harm(harm_rate)),
            "trend": _known(trend_ok, scales.ratio(scales.smoothed_ratio(x1, m.py1, x0, m.py0))),
            "comparison": _known(comp_ok, scales.ratio(scales.smoothed_ratio(x1, m.py1, m.ref_x, m.ref_py))),
        }
        if len(m.local_pair):
            out["volume"] = _with_local(m, out["volume"], local_fill)
        z = m.ind_sign * (ind_value - m.ind_comp) / m.ind_margin
    ind_scaled = scales.perception(z)
    ok = ~np.isnan(ind_scaled)
    if ok.all():  # the count of values per pair is the same in every draw: counted once
        total = _sum_by_pair(ind_scaled, m.ind_pair, n_pairs)
        count = np.bincount(m.ind_pair, minlength=n_pairs).astype(float)
    else:
        total = _sum_by_pair(np.where(ok, ind_scaled, 0.0), m.ind_pair, n_pairs)
        count = _sum_by_pair(ok.astype(float), m.ind_pair, n_pairs)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["perception"] = np.where(count > 0, total / count, np.nan)
    out["professionals"] = scales.professionals(prof_mean)
    return out


def _with_local(m: Model, police: F, fill: F | None) -> F:
    """(police volume + sum of the named local figures, unknown ones filled) / (1 + their number)."""
    n_pairs = m.n_pairs
    known = ~np.isnan(m.local_scaled)
    filler = police if fill is None else fill
    values = np.where(known[None, :], m.local_scaled[None, :], filler[:, m.local_pair])
    total = _sum_by_pair(values, m.local_pair, n_pairs)
    count = np.bincount(m.local_pair, minlength=n_pairs).astype(float)
    return np.where(np.isnan(police), np.nan, (police + total) / (1.0 + count))


def stack(crit: dict[str, F]) -> F:
    """(C, D, P) in the order of CRITERIA."""
    return np.stack([crit[c] for c in CRITERIA])


# The value a missing criterion takes in the point estimate: the middle of the fixed 0-100 scale
# ("no evidence either way"). In the Monte Carlo it is drawn uniformly over 0-100 (docs/method.md).
NEUTRAL = 50.0


def weighted_scores(s: F, weights: F, fill: F | float = NEUTRAL) -> tuple[F, F]:
    """Scores (D, P) and coverage (D, P) from scaled criteria (C, D, P) and weights (D, C).

    A missing criterion is unknown, not the average of the others: it takes `fill` (the neutral 50 in
    the point estimate, a uniform 0-100 draw in the Monte Carlo), so missing evidence widens the
    interval and never lifts a theme. A pair without any criterion has no score (NaN). Coverage is
    the share of the profile's weight that was available.
    """
    avail = ~np.isnan(s)
    w = weights.T[:, :, None]  # (C, D, 1)
    covered = np.sum(np.where(avail, w, 0.0), axis=0)
    filled = np.where(avail, s, fill)
    total = np.sum(w * filled, axis=0)
    weight = np.sum(np.broadcast_to(w, s.shape), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(covered > 1e-12, total / weight, np.nan)
    return score, covered


def ranks(scores: F, groups: list[NDArray[np.int64]], decimals: int = 9) -> F:
    """Rank 1 = highest score within each group of pairs (a unit), for scored pairs only.

    Equal scores (after rounding to `decimals`, so float noise is no tie-breaker) share the lowest
    rank ("1, 2, 2, 4"); a pair without a score has no rank (NaN): unmeasured, not a low priority.
    """
    out = np.full(scores.shape, np.nan)
    table = rank_table(scores, groups, decimals)
    if table is None:
        return out
    index, ok, higher = table
    pad = index < 0
    out[:, index[~pad]] = np.where(ok, 1.0 + higher, np.nan)[:, ~pad]
    return out


def rank_table(
    scores: F, groups: list[NDArray[np.int64]], decimals: int = 9
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.signedinteger[Any]]] | None:
    """All groups at once, padded to the largest group: `index` (G, W) the pair at each place (-1:
    padding), `ok` (D, G, W) whether it has a score in each draw, `higher` (D, G, W) how many scored
    pairs of its group score higher (its rank is 1 + that). None without groups."""
    groups = [g for g in groups if len(g)]
    if not groups:
        return None
    width = max(len(g) for g in groups)
    index = np.full((len(groups), width), -1, dtype=np.int64)
    for row, g in enumerate(groups):
        index[row, : len(g)] = g
    pad = index < 0
    sub = np.round(scores[:, np.where(pad, 0, index)], decimals)  # (D, groups, width)
    sub[:, pad] = np.nan
    ok = ~np.isnan(sub)
    key = np.where(ok, sub, -np.inf)  # an unscored pair is never higher
    higher = np.zeros(key.shape, dtype=np.int16 if width < 30_000 else np.int64)
    for j in range(width):  # how many pairs j beat each pair
        higher += key[:, :, j : j + 1] > key
    return index, ok, higher
