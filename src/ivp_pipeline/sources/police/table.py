"""Builds the canonical police table from resolved rows, compactly, and refuses duplicate keys.

Readers hand over small integer ids (area, offence, period) per row; the builder keeps numpy arrays
and emits dictionary-encoded columns, so a national file (millions of rows) stays a few bytes per row
until the store writes each partition. The store casts the columns to the pinned schema.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from ivp_pipeline.offences import Offence
from ivp_pipeline.problems import Problem
from ivp_pipeline.regions import Region
from ivp_pipeline.schemas import IN_KEY_ORDER, VALUE_STATES
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.police.periods import Period

STATE_ID = {s: i for i, s in enumerate(VALUE_STATES)}
THREADS = 2  # for the gathers of `finish`: more cores add little to what is memory-bound
DENSE = 2  # `finish` places rows at their keys when the keys span at most this many times the rows
T = TypeVar("T")
_NONE = np.zeros(0, np.int32)
_HAS_VALUE = np.array([s in ("observed", "zero") for s in VALUE_STATES])


@dataclass
class PoliceTableBuilder:
    """Collects rows of one file; `finish` returns one table (or None when no row was accepted)."""

    source: Source
    measure: str
    table_id: str | None
    area_column: str = ""
    areas: dict[str, int] = field(default_factory=dict)
    area_list: list[Region] = field(default_factory=list)
    offences: dict[str, int] = field(default_factory=dict)
    offence_list: list[Offence] = field(default_factory=list)
    periods: dict[Period, int] = field(default_factory=dict)
    period_list: list[Period] = field(default_factory=list)
    _chunks: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    _pending: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)

    def area_id(self, region: Region) -> int:
        gid = self.areas.get(region.code)
        if gid is None:
            gid = self.areas[region.code] = len(self.area_list)
            self.area_list.append(region)
        return gid

    def offence_id(self, offence: Offence) -> int:
        gid = self.offences.get(offence.code)
        if gid is None:
            gid = self.offences[offence.code] = len(self.offence_list)
            self.offence_list.append(offence)
        return gid

    def period_id(self, period: Period) -> int:
        gid = self.periods.get(period)
        if gid is None:
            gid = self.periods[period] = len(self.period_list)
            self.period_list.append(period)
        return gid

    def add_row(self, area: int, offence: int, period: int, value: int | None, state: str, row: int) -> None:
        self._pending.append((area, offence, period, 0 if value is None else value, STATE_ID[state], row))
        if len(self._pending) >= 100_000:
            self._flush()

    def add_arrays(self, area: np.ndarray, offence: np.ndarray, period: np.ndarray, value: np.ndarray,
                   state: np.ndarray, row: np.ndarray) -> None:  # fmt: skip
        self._flush()
        self._chunks.append(
            (area.astype(np.int32, copy=False), offence.astype(np.int32, copy=False),
             period.astype(np.int32, copy=False), value.astype(np.int64, copy=False),
             state.astype(np.int8, copy=False), row.astype(np.int64, copy=False))
        )  # fmt: skip

    def _flush(self) -> None:
        if self._pending:
            cols = list(zip(*self._pending, strict=True))
            self._pending = []
            self.add_arrays(*(np.array(c, dtype=np.int64) for c in cols))

    def finish(self, ctx: ReadContext, remap_rows: Any = None) -> pa.Table | None:
        """Concatenate, reject duplicate keys (the first row wins), fill ctx.meta, build columns.

        Rows come out grouped by partition and in the store's key order, so neither the
        orchestrator nor the store has to sort them again (schemas.IN_KEY_ORDER).
        """
        self._flush()
        if not self._chunks:
            return None
        # Column by column, each one's chunks freed once joined: a national file is 3.6 M rows.
        chunks = [list(c) for c in zip(*self._chunks, strict=True)]
        self._chunks = []
        cols: list[np.ndarray] = []
        for i in range(len(chunks)):
            cols.append(chunks[i][0] if len(chunks[i]) == 1 else np.concatenate(chunks[i]))
            chunks[i] = []
        if len(cols[5]) == 0:  # every row was rejected (or blank)
            return None
        if remap_rows is not None:
            cols[5] = remap_rows(cols[5])
        key = self._sort_key(cols[0], cols[1], cols[2])
        if len(key) < 2 or bool(np.all(key[1:] > key[:-1])):  # in key order already, each key once
            return self._done(ctx, cols)
        order = _dense_order(key)
        if order is None:  # a key repeats (or the keys are sparse): sorted, and duplicates rejected
            order = np.argsort(key, kind="stable")  # stable: among equal keys the first row comes first
            key = key[order]
            dup = np.flatnonzero(key[1:] == key[:-1]) + 1
            if len(dup):
                self._reject_duplicates(ctx, order, dup, key, cols[0], cols[1], cols[2], cols[5])
                order = np.delete(order, dup)
        del key

        def gather(i: int) -> np.ndarray:
            column, cols[i] = cols[i], _NONE  # each column freed once gathered: 3.6 M rows each
            return np.take(column, order)

        jobs: list[Callable[[], np.ndarray]] = [functools.partial(gather, i) for i in range(len(cols))]
        grid = self._grid()
        if grid is not None and len(order) == grid[3]:
            # Every area x code x period once (a full download): the row at position j has the j-th
            # key, so its ids follow from j (area-major, then code, then period), with no gather.
            areas, codes, periods, _size = grid
            cols[:3] = [_NONE, _NONE, _NONE]
            jobs[:3] = [
                functools.partial(np.repeat, areas, len(codes) * len(periods)),
                lambda: np.tile(np.repeat(codes, len(periods)), len(areas)),
                functools.partial(np.tile, periods, len(areas) * len(codes)),
            ]
            return self._done(ctx, _in_parallel(jobs), every_id_used=True)
        return self._done(ctx, _in_parallel(jobs))

    def _done(self, ctx: ReadContext, cols: list[np.ndarray], every_id_used: bool = False) -> pa.Table:
        self._fill_meta(ctx, cols[0], cols[2], every_id_used)
        return self._columns(*cols)

    def _grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int] | None:
        """The area, offence and period ids in key order and the number of their combinations, when
        no two of a kind share a rank (the key then tells each row's ids); else None."""
        out = []
        for items in (
            [(r.partition, r.code) for r in self.area_list],
            [o.code for o in self.offence_list],
            [(p.start, p.kind) for p in self.period_list],
        ):
            rank = _ranks(items)
            if len(items) == 0 or int(rank.max()) + 1 != len(items):
                return None  # two share a rank ("2024" and "2024*"): only the rows tell which
            by_rank = np.empty(len(items), np.int32)
            by_rank[rank] = np.arange(len(items), dtype=np.int32)
            out.append(by_rank)
        return out[0], out[1], out[2], len(out[0]) * len(out[1]) * len(out[2])

    def _sort_key(self, area: np.ndarray, off: np.ndarray, per: np.ndarray) -> np.ndarray:
        """One int64 per row that orders like (partition, area_code, offence_code, period_start, kind).

        The store's key ignores the status: "2024" and "2024*" in one file are the same figure.
        """
        area_rank = _ranks([(r.partition, r.code) for r in self.area_list])
        off_rank = _ranks([o.code for o in self.offence_list])
        per_rank = _ranks([(p.start, p.kind) for p in self.period_list])
        n_area, n_off, n_per = int(area_rank.max()) + 1, int(off_rank.max()) + 1, int(per_rank.max()) + 1
        # int32 when every key fits (a national municipality file: 344 x 59 x 178), half the memory
        dtype = np.int32 if n_area * n_off * n_per < 2**31 else np.int64
        key = np.take(area_rank.astype(dtype), area)
        key *= n_off
        key += np.take(off_rank.astype(dtype), off)
        key *= n_per
        key += np.take(per_rank.astype(dtype), per)
        return key

    def _reject_duplicates(self, ctx: ReadContext, order: np.ndarray, dup: np.ndarray,
                           sorted_key: np.ndarray, area: np.ndarray, off: np.ndarray, per: np.ndarray,
                           row: np.ndarray) -> None:  # fmt: skip
        firsts = order[np.searchsorted(sorted_key, sorted_key[dup], side="left")]
        for pos, first in zip(order[dup].tolist(), firsts.tolist(), strict=True):
            ctx.reject(Problem(
                "duplicate-row",
                f"zelfde gebied, code en periode als rij {row[first]}; de eerste telt",
                file=self.source.name, row=int(row[pos]), column=self.area_column,
                value=f"{self.area_list[area[pos]].code} {self.offence_list[off[pos]].code} "
                      f"{self.period_list[per[pos]].code}",
                hint="verwijder de herhaalde rijen, of download de tabel één keer",
            ))  # fmt: skip

    def _fill_meta(
        self, ctx: ReadContext, area: np.ndarray, per: np.ndarray, every_id_used: bool = False
    ) -> None:
        """The table id, measure and what periods, kinds and levels the rows have; `every_id_used`:
        every area and period id has a row (no count of the rows needed)."""
        used_periods = (
            self.period_list
            if every_id_used
            else [self.period_list[i] for i in np.flatnonzero(np.bincount(per)).tolist()]
        )
        used_areas = (
            self.area_list
            if every_id_used
            else [self.area_list[i] for i in np.flatnonzero(np.bincount(area)).tolist()]
        )
        starts = sorted(p.start for p in used_periods)
        ctx.meta.update(
            table_id=self.table_id,
            measure=self.measure,
            period_first=starts[0].isoformat() if starts else None,
            period_last=starts[-1].isoformat() if starts else None,
            period_kinds=sorted({p.kind for p in used_periods}),
            area_levels=sorted({r.level for r in used_areas}),
        )

    def _columns(self, area: np.ndarray, off: np.ndarray, per: np.ndarray, value: np.ndarray,
                 state: np.ndarray, row: np.ndarray) -> pa.Table:  # fmt: skip

        def coded(indices: np.ndarray, values: list[Any]) -> pa.Array:
            """Codes into the distinct values, each value once (a dictionary with repeats is written
            as plain text) and a None value as a null code, never as a null entry of the dictionary
            (the Parquet writer takes the dictionary as it is, and refuses those)."""
            distinct: dict[Any, int] = {}
            moved = np.array(
                [-1 if v is None else distinct.setdefault(v, len(distinct)) for v in values], np.int32
            )
            dictionary = pa.array(list(distinct), pa.string())
            # The codes are ids the builder handed out, so within the dictionary: not checked again.
            if len(distinct) == len(values):  # the entities' own codes: no repeats, no None
                return pa.DictionaryArray.from_arrays(pa.array(indices), dictionary, safe=False)
            # One value for every row (a file of one level, one kind of period) or none at all: the
            # codes need no lookup per row.
            if None not in values and len(distinct) == 1:
                return pa.DictionaryArray.from_arrays(pa.array(zeros), dictionary, safe=False)
            if not distinct:
                return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), dictionary, safe=False)
            codes = np.take(moved, indices)
            mask = codes < 0 if None in values else None
            return pa.DictionaryArray.from_arrays(
                pa.array(codes, pa.int32(), mask=mask), dictionary, safe=False
            )

        n = len(row)
        zeros = np.zeros(n, dtype=np.int32)
        regions, offs, pers = self.area_list, self.offence_list, self.period_list
        # Each column is gathers over millions of rows (numpy and pyarrow let go of the GIL): in threads.
        columns: dict[str, Callable[[], pa.Array]] = {
            # The partition, in codes like the other text: the rows are grouped by it already.
            "municipality": lambda: coded(area, [r.partition for r in regions]),
            "area_code": lambda: coded(area, [r.code for r in regions]),
            "area_level": lambda: coded(area, [r.level for r in regions]),
            "area_name": lambda: coded(area, [r.name or None for r in regions]),
            "table_id": lambda: coded(zeros, [self.table_id]),
            "measure": lambda: coded(zeros, [self.measure]),
            "offence_code": lambda: coded(off, [o.code for o in offs]),
            "offence_label": lambda: coded(off, [o.label for o in offs]),
            "is_rollup": lambda: pa.array([o.is_rollup for o in offs], pa.bool_()).take(pa.array(off)),
            "period_start": lambda: pa.array([p.start for p in pers], pa.date32()).take(pa.array(per)),
            "period_kind": lambda: coded(per, [p.kind for p in pers]),
            "period_status": lambda: coded(per, [p.status for p in pers]),
            "value": lambda: pa.array(value, pa.int64(), mask=~np.take(_HAS_VALUE, state)),
            "value_state": lambda: coded(state, list(VALUE_STATES)),
            "source_file": lambda: coded(zeros, [self.source.name]),
            "source_sha256": lambda: coded(zeros, [self.source.sha256]),
            "source_row": lambda: pa.array(row, pa.int64()),
        }  # fmt: skip
        built = _in_parallel(list(columns.values()))
        return pa.table(dict(zip(columns, built, strict=True))).replace_schema_metadata(dict([IN_KEY_ORDER]))


def _in_parallel(work: list[Callable[[], T]]) -> list[T]:
    """The results of `work`, done in two threads (gathers over millions of rows let go of the GIL)."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda job: job(), work))


def _dense_order(key: np.ndarray) -> np.ndarray | None:
    """The order that sorts `key` when no key repeats and the keys fill most of their range (a file
    of every area x code x period, as a national download is): each row placed at its key, in one
    pass instead of a sort. None when a key repeats or the range is more than twice the rows."""
    span = int(key.max()) + 1 if len(key) else 0
    if span > DENSE * len(key):
        return None
    at = np.full(span, -1, np.intp)
    at[key] = np.arange(len(key), dtype=np.intp)
    order = at[at >= 0]
    return order if len(order) == len(key) else None  # fewer: some key came twice


def _ranks(items: list[Any]) -> np.ndarray:
    """Position of each item in sorted order (equal items share a rank)."""
    distinct = sorted(set(items))
    where = {item: i for i, item in enumerate(distinct)}
    return np.array([where[item] for item in items], np.int64)
