"""Police facts per unit: which periods count, the latest 12 months and the baseline, counts per code.

A unit is a municipality, Noordoost Twente (the four summed), or a reference area. Rules:
- only `observed` and `zero` values are counted; suppressed, not applicable and not yet published
  values are never zero: such rows are tallied as `missing` and flagged;
- the roll-up 0.0.0 is never summed with details (themes name details only);
- each police table (measure: crime, overlast) has its own windows: the latest window is the 12
  months ending at the latest month that table published for every municipality in scope, so a short
  overlast file never moves the crime window (and the other way round);
- a unit's count of a code in a period exists only when every area of the unit published it (a NOT
  figure needs all four municipalities); otherwise it is unknown (NaN), never a partial sum;
- the baseline is the `baseline_years` x 12 months before the latest window, cut at the July 2018
  series break;
- a window is complete enough when at least MIN_PUBLISHED_SHARE of its periods are published
  (9 of 12 months); exposure counts only the published periods.
"""

from __future__ import annotations

import functools
import math
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE, ROLLUP_CODE

COUNTED = ("observed", "zero")
DURATION_MONTHS = {"month": 1, "quarter": 3, "year": 12}
MEASURES = ("crime", "overlast")
# A window with fewer published periods than this share (9 of 12 months, 27 of 36) is "onvolledig".
MIN_PUBLISHED_SHARE = 0.75


def min_published(window_periods: int) -> int:
    """The fewest published periods a window of `window_periods` needs (9 of 12, 1 of 1)."""
    return max(1, math.ceil(MIN_PUBLISHED_SHARE * window_periods - 1e-9))


@dataclass(frozen=True)
class Windows:
    kind: str  # month | year
    latest_start: pd.Timestamp
    latest_end: pd.Timestamp  # start of the last period in the window
    baseline_start: pd.Timestamp | None
    baseline_end: pd.Timestamp | None

    def period_end(self, start: pd.Timestamp) -> pd.Timestamp:
        """Last day of the period that starts at `start`."""
        # cached by value and by kind of value: equal timestamps of another unit or zone differ
        return _period_end(
            self.kind, start, type(start), str(getattr(start, "unit", "")), str(getattr(start, "tz", ""))
        )

    def periods(self, which: str) -> list[pd.Timestamp]:
        """The period starts of the latest or baseline window (empty without a baseline)."""
        start, end = self.bounds(which)
        if start is None or end is None:
            return []
        return _period_range(pd.Timestamp(start), pd.Timestamp(end), DURATION_MONTHS[self.kind])

    def bounds(self, which: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        if which == "latest":
            return self.latest_start, self.latest_end
        return self.baseline_start, self.baseline_end

    def dutch(self, which: str = "latest") -> str:
        """ "2025-11 t/m 2026-10" (months) or "2025" (a year); "" without that window."""
        start, end = self.bounds(which)
        if start is None or end is None:
            return ""
        if self.kind == "year":
            a, b = pd.Timestamp(start).year, pd.Timestamp(end).year
            return f"{a}" if a == b else f"{a} t/m {b}"
        return f"{pd.Timestamp(start):%Y-%m} t/m {pd.Timestamp(end):%Y-%m}"

    def label(self, which: str) -> str:

        start, end = (
            (self.latest_start, self.latest_end)
            if which == "latest"
            else (self.baseline_start, self.baseline_end)
        )
        if start is None or end is None:
            return ""
        return f"{pd.Timestamp(start).date()}..{self.period_end(pd.Timestamp(end)).date()}"


@functools.lru_cache(maxsize=1024)
def _period_end(kind: str, start: pd.Timestamp, *_kind_of_value: object) -> pd.Timestamp:
    return start + pd.DateOffset(months=DURATION_MONTHS[kind]) - pd.Timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _period_range(start: pd.Timestamp, end: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    out, p = [], start
    while p <= end:
        out.append(p)
        p = pd.Timestamp(p + pd.DateOffset(months=months))
    return out


def clean_police(police: pd.DataFrame) -> pd.DataFrame:
    """Columns area_code, measure, offence_code, period, period_kind, value (NaN = not counted), counted."""

    # a selection of columns (copy on write: the new columns below never reach `police`)
    df = police[[c for c in POLICE.schema.names if c in police.columns]]
    df["period"] = pd.to_datetime(df["period_start"])
    df["counted"] = df["value_state"].isin(COUNTED)
    value = pd.to_numeric(df["value"], errors="coerce").astype(float)
    df["value"] = np.where(df["value_state"] == "zero", 0.0, np.where(df["counted"], value, np.nan))
    df.loc[df["counted"] & df["value"].isna(), "counted"] = False
    return df


# The integer codes of a frame's columns (factorised), kept while the frame lives: the national
# police table is asked by area, table and period kind many times, and comparing integers is much
# cheaper than comparing text. The frames of the scoring are not changed once made (clean_police).
_CODES: dict[int, tuple[weakref.ref[pd.DataFrame], dict[str, tuple[np.ndarray, Any]]]] = {}


def column_codes(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, Any]:
    """factorised(frame[name]), made once per frame and column."""
    key = id(frame)
    entry = _CODES.get(key)
    if entry is None or entry[0]() is not frame:
        entry = (weakref.ref(frame, functools.partial(_forget, key)), {})
        _CODES[key] = entry
    got = entry[1].get(name)
    if got is None:
        got = entry[1][name] = factorised(frame[name])
    return got


def _forget(key: int, _gone: object) -> None:
    _CODES.pop(key, None)


def rows_with(frame: pd.DataFrame, name: str, values: Any) -> np.ndarray:
    """Per row: is frame[name] one of `values`? (by the column's codes)"""
    codes, uniques = column_codes(frame, name)
    wanted = set(values)
    table = np.zeros(len(uniques) + 1, dtype=bool)  # the last place: a missing value (code -1)
    table[[i for i, u in enumerate(uniques) if u in wanted]] = True
    return np.asarray(table[codes], dtype=bool)


def values_where(frame: pd.DataFrame, name: str, rows: np.ndarray) -> set[Any]:
    """The distinct values of frame[name] in the rows `rows` (a mask), missing values left out."""
    codes, uniques = column_codes(frame, name)
    return {uniques[i] for i in np.unique(codes[rows]).tolist() if i >= 0}


def period_kind(clean: pd.DataFrame, areas: list[str]) -> str:
    """Monthly figures when the scope has any, else yearly ones."""
    counted = clean["counted"].to_numpy(dtype=bool)
    kinds = values_where(clean, "period_kind", rows_with(clean, "area_code", areas) & counted)
    if "month" in kinds:
        return "month"
    if "year" in kinds:
        return "year"
    raise IvpError(
        Problem(
            "no-police-data",
            "geen politiecijfers per maand of jaar voor de gemeenten van de regio",
            value=", ".join(areas),
            hint="voer eerst ivp ingest uit (politiebestanden in data/raw/police)",
        )
    )


def available_periods(clean: pd.DataFrame, kind: str) -> pd.DataFrame:
    """(area_code, measure, period) triples where that table published some figure for the area."""
    columns = ["area_code", "measure", "period"]
    rows = np.flatnonzero(rows_with(clean, "period_kind", [kind]) & clean["counted"].to_numpy(dtype=bool))
    if not len(rows):
        return clean[columns].iloc[rows].reset_index(drop=True)
    # drop_duplicates over integer codes of the three columns (each text hashed once per run)
    codes = [column_codes(clean, c)[0][rows] for c in columns]
    sizes = [int(c.max()) + 2 for c in codes]  # a missing value (-1) is a value of its own here
    key = ((codes[0] + 1) * sizes[1] + codes[1] + 1) * sizes[2] + codes[2] + 1
    first = rows[~pd.Series(key).duplicated().to_numpy()]
    return clean[columns].iloc[first].reset_index(drop=True)


def unit_periods(
    avail: pd.DataFrame, areas: tuple[str, ...], measure: str | None = None
) -> set[pd.Timestamp]:
    """Periods a table (any table when `measure` is None) published for every area of a unit."""
    sub = avail[avail["area_code"].isin(areas)]
    if measure is not None:
        sub = sub[sub["measure"] == measure]
    counts = sub.groupby("period")["area_code"].nunique()
    return set(counts.index[counts == len(set(areas))])


def measure_windows(
    avail: pd.DataFrame, scope: list[str], kind: str, baseline_years: int, series_break: str
) -> dict[str, Windows]:
    """The windows of each police table that has figures for the whole scope (crime first)."""
    out: dict[str, Windows] = {}
    for measure in MEASURES:
        common = unit_periods(avail, tuple(scope), measure)
        if common:
            out[measure] = _windows(max(common), kind, baseline_years, series_break)
    if not out:
        raise IvpError(
            Problem(
                "no-common-period",
                "geen enkele periode heeft politiecijfers voor alle gemeenten van de regio",
                value=", ".join(scope),
                hint="lees voor elke gemeente dezelfde politietabel in",
            )
        )
    return out


def choose_windows(
    avail: pd.DataFrame, scope: list[str], kind: str, baseline_years: int, series_break: str
) -> Windows:
    """The windows of the first police table with figures for the whole scope (see measure_windows)."""
    return next(iter(measure_windows(avail, scope, kind, baseline_years, series_break).values()))


def _windows(last: pd.Timestamp, kind: str, baseline_years: int, series_break: str) -> Windows:
    brk = pd.Timestamp(series_break)
    if kind == "month":
        start = last - pd.DateOffset(months=11)
        b_end = start - pd.DateOffset(months=1)
        b_start = max(start - pd.DateOffset(months=12 * baseline_years), brk)
        enough = (b_end.year - b_start.year) * 12 + b_end.month - b_start.month + 1 >= 12
    else:
        start = last
        b_end = last - pd.DateOffset(years=1)
        # A year that straddles the break (2018) is left out whole.
        first_year = brk.year + (1 if (brk.month, brk.day) != (1, 1) else 0)
        b_start = max(last - pd.DateOffset(years=baseline_years), pd.Timestamp(first_year, 1, 1))
        enough = b_end >= b_start
    return Windows(
        kind,
        pd.Timestamp(start),
        pd.Timestamp(last),
        pd.Timestamp(b_start) if enough else None,
        pd.Timestamp(b_end) if enough else None,
    )


def unit_series(clean: pd.DataFrame, units: dict[str, tuple[str, ...]], kind: str) -> pd.DataFrame:
    """Counts per unit x measure x code x period (details only).

    Columns unit, measure, offence_code, period, count, missing (area rows of that code and period
    that were suppressed, not applicable or not yet published). `count` is NaN unless every area of
    the unit has a counted value: a region figure is never the sum of the published members only.
    Periods without any row stay absent: unknown, never zero.
    """
    areas = {a for members in units.values() for a in members}
    if len(areas) <= FEW_AREAS:  # a few comparison units: their rows first
        clean = clean[rows_with(clean, "area_code", areas)]
    mask = _details(clean, kind)
    if _whole(clean, mask):
        # whole numbers (counts): every sum is exact in any order, so the sums per key are made
        # with numpy over integer keys (_Keys), not by a groupby over the text columns
        return _Keys(clean, mask).series(units)
    details = clean.loc[mask, ["area_code", "measure", "offence_code", "period", "value", "counted"]]
    return _series_by_groupby(details, units)


def _details(clean: pd.DataFrame, kind: str) -> np.ndarray:
    """The rows unit_series sums: periods of `kind`, details only (no roll-up)."""
    return np.asarray(
        (clean["period_kind"].to_numpy(object) == kind)
        & (clean["offence_code"].to_numpy(object) != ROLLUP_CODE),
        dtype=bool,
    )


def _whole(clean: pd.DataFrame, mask: np.ndarray) -> bool:
    value = clean["value"].to_numpy(float)[mask]
    known = value[~np.isnan(value)]
    return (
        bool(mask.any()) and bool(np.all(known == np.floor(known))) and float(np.abs(known).sum()) < 2.0**52
    )


def whole_counts(clean: pd.DataFrame, kind: str) -> bool:
    """Whether unit_series sums `clean`'s rows of `kind` as whole numbers (by integer keys): then
    the series of any subset of its rows is the same rows cut from the series of all of them."""
    return _whole(clean, _details(clean, kind))


# Up to this many areas, unit_series first takes their rows out of the whole table.
FEW_AREAS = 50


def _series_by_groupby(details: pd.DataFrame, units: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """unit_series by pandas groupby (any values: the sums in pandas' own order)."""
    details = details.assign(_missing=(~details["counted"]).astype(int), _ok=details["counted"].astype(int))
    # Units of one area (municipalities, reference areas) are grouped all at once, by area; only
    # the units of several areas (the region, the peer group) need a pass of their own.
    single = {u: a[0] for u, a in units.items() if len(set(a)) == 1}
    by_area = _series(details[details["area_code"].isin(set(single.values()))], ["area_code"], 1)
    rows = by_area.groupby("area_code", sort=False).indices if len(by_area) else {}
    frames = []
    for unit, areas in units.items():
        if unit in single:
            take = rows.get(single[unit])
            if take is None:
                continue
            out = by_area.iloc[take].drop(columns="area_code")
        else:
            sub = details[details["area_code"].isin(areas)]
            if sub.empty:
                continue
            out = _series(sub, [], len(set(areas)))
        out.insert(0, "unit", unit)
        frames.append(out)
    if not frames:
        return _empty_series()
    return pd.concat(frames, ignore_index=True)


SERIES_COLUMNS = ["unit", "measure", "offence_code", "period", "count", "missing"]


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame(columns=SERIES_COLUMNS)


class _Keys:
    """The detail rows of unit_series as integer keys: each key column factorised in sorted order,
    so that the keys sort as the groups of a sorted groupby over the columns do."""

    def __init__(self, clean: pd.DataFrame, mask: np.ndarray) -> None:
        self.columns = {name: clean[name] for name in ("measure", "offence_code", "period")}
        codes, self.uniques = [], []
        for name in ("area_code", "measure", "offence_code", "period"):
            c, u = column_codes(clean, name)
            codes.append(c[mask])
            self.uniques.append(u)
        # a missing key is left out, as groupby leaves out a group with a missing key
        keep = (codes[0] >= 0) & (codes[1] >= 0) & (codes[2] >= 0) & (codes[3] >= 0)
        value = clean["value"].to_numpy(float)[mask]
        ok = clean["counted"].to_numpy(bool)[mask]
        if not keep.all():
            codes = [c[keep] for c in codes]
            value, ok = value[keep], ok[keep]
        self.area, measure, code, period = codes
        self.sizes = (len(self.uniques[1]), len(self.uniques[2]), len(self.uniques[3]))
        _, nc, nper = self.sizes
        self.inner = (measure * nc + code) * nper + period  # one integer per measure x code x period
        self.value = np.where(np.isnan(value), 0.0, value)
        self.has_value = (~np.isnan(value)).astype(np.int64)
        self.ok = ok.astype(np.int64)
        self.missing = (~ok).astype(np.int64)

    def series(self, units: dict[str, tuple[str, ...]]) -> pd.DataFrame:
        """The frame of unit_series: the units in their order, each sorted by measure, code, period."""
        n_inner = max(1, int(np.prod(self.sizes)))
        # every area at once: sums per (area, measure, code, period), sorted by that key
        key = self.area * n_inner + self.inner
        if len(key) and bool(np.all(key[1:] >= key[:-1])):  # as stored: sorted already
            first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
            keys = key[first]
            total, has, missing, ok = (
                np.add.reduceat(v, first) if len(v) else v
                for v in (self.value, self.has_value, self.missing, self.ok)
            )
        else:
            keys, inverse = np.unique(key, return_inverse=True)
            size = len(keys)
            total, has, missing, ok = (
                np.bincount(inverse, weights=v, minlength=size)
                for v in (self.value, self.has_value, self.missing, self.ok)
            )
            missing, ok, has = missing.astype(np.int64), ok.astype(np.int64), has.astype(np.int64)
        key_area = keys // n_inner
        key_inner = keys % n_inner
        position = {str(a): i for i, a in enumerate(self.uniques[0])}
        # keys are sorted by area first: the rows of each area are one run
        starts = np.searchsorted(key_area, np.arange(len(position) + 1))
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        names: list[str] = []
        for unit, areas in units.items():
            distinct = set(areas)
            idx = [position[a] for a in distinct if a in position]
            if not idx:
                continue
            if len(distinct) == 1:
                take = slice(starts[idx[0]], starts[idx[0] + 1])
                inner, count, miss = key_inner[take], total[take].astype(float), missing[take]
                count[(has[take] == 0) | (ok[take] < 1)] = np.nan
            else:
                # a few thousand measure x code x period keys: summed by key over every area
                rows = np.concatenate([np.arange(starts[a], starts[a + 1]) for a in sorted(idx)])
                back = key_inner[rows]
                inner = np.flatnonzero(np.bincount(back, minlength=n_inner))
                count = np.bincount(back, weights=total[rows], minlength=n_inner)[inner]
                seen = np.bincount(back, weights=has[rows], minlength=n_inner)[inner]
                miss = np.bincount(back, weights=missing[rows], minlength=n_inner)[inner].astype(np.int64)
                areas_ok = np.bincount(back, weights=ok[rows], minlength=n_inner)[inner]
                count[(seen == 0) | (areas_ok < len(distinct))] = np.nan
            if len(inner):
                parts.append((inner, count, miss))
                names.append(unit)
        if not parts:
            return _empty_series()
        inner = np.concatenate([p[0] for p in parts])
        _, nc, nper = self.sizes
        unit_index = np.repeat(np.arange(len(names)), [len(p[0]) for p in parts])
        return pd.DataFrame(
            {
                "unit": _texts(names, unit_index),
                "measure": _taken(self.uniques[1], inner // (nper * nc), self.columns["measure"]),
                "offence_code": _taken(self.uniques[2], (inner // nper) % nc, self.columns["offence_code"]),
                "period": _taken(self.uniques[3], inner % nper, self.columns["period"]),
                "count": np.concatenate([p[1] for p in parts]),
                "missing": np.concatenate([p[2] for p in parts]).astype(np.int64),
            }
        )


def factorised(column: pd.Series) -> tuple[np.ndarray, Any]:
    """pd.factorize(column, sort=True), with text factorised by its runs: a stored police table
    is sorted, so its text columns repeat each value many rows in a row, and only the first row of
    each run needs hashing."""
    if isinstance(column.dtype, np.dtype) or not len(column):
        codes, uniques = pd.factorize(column, sort=True)
        return codes.astype(np.int64), uniques
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return _factorised_arrow(column)
    values = column.to_numpy(dtype=object)
    head = np.empty(len(values), dtype=bool)
    head[0] = True
    try:
        np.not_equal(values[1:], values[:-1], out=head[1:])
    except (TypeError, ValueError):  # a value without a plain answer to != (pd.NA)
        codes, uniques = pd.factorize(column, sort=True)
        return codes.astype(np.int64), uniques
    first = np.flatnonzero(head)
    codes, uniques = pd.factorize(pd.Series(values[first], dtype=column.dtype), sort=True)
    return np.repeat(codes.astype(np.int64), np.diff(np.append(first, len(values)))), uniques


def _factorised_arrow(column: pd.Series) -> tuple[np.ndarray, Any]:
    """factorised of Arrow-backed text (a series' unit column): Arrow's dictionary encoding, the few
    distinct values sorted as Python sorts them; no Python string per row."""
    data = pa.array(column.array)
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks()
    encoded = data.dictionary_encode()
    words = encoded.dictionary.to_pylist()
    index = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    order = sorted(range(len(words)), key=words.__getitem__)
    rank = np.empty(len(words) + 1, dtype=np.int64)
    rank[order] = np.arange(len(words))
    rank[-1] = -1  # a missing value stays -1
    return rank[index], pd.Index([words[i] for i in order], dtype=column.dtype)


def _texts(names: list[str], index: np.ndarray) -> pd.Series:
    """names[index] as a column of pandas' default text dtype (what a column made of str gets)."""
    arrow = pa.array(names, type=pa.string()).take(pa.array(index))
    return pd.Series(arrow.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get))


def _taken(uniques: Any, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """The values `codes` point at among `uniques`, in the dtype of the column `like`."""
    values = pd.Index(uniques).take(codes)
    return pd.Series(values, dtype=like.dtype)


def _series(rows: pd.DataFrame, by: list[str], n_areas: int) -> pd.DataFrame:
    """Sum, missing and published area rows per (by +) measure x code x period; the count is NaN
    unless `n_areas` areas published it."""
    g = rows.groupby([*by, "measure", "offence_code", "period"], sort=True)
    out = pd.DataFrame(
        {"count": g["value"].sum(min_count=1), "missing": g["_missing"].sum(), "_areas": g["_ok"].sum()}
    ).reset_index()
    out.loc[out["_areas"] < n_areas, "count"] = np.nan
    return out.drop(columns="_areas")


def periods_in(periods: set[pd.Timestamp], start: pd.Timestamp | None, end: pd.Timestamp | None) -> int:
    if start is None or end is None:
        return 0
    return sum(1 for p in periods if start <= p <= end)


def window_mask(series: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    if start is None or end is None:
        return series["period"].isna() & False
    return (series["period"] >= start) & (series["period"] <= end)
